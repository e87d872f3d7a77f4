set terminal pngcairo size 1150,680 noenhanced font ',10'
set output 'sweep_size.png'
set logscale xy
set datafile missing '?'
set grid xtics ytics mytics
set key outside right top vertical spacing 1.3
set samples 400
set xrange [19230.76923076923:2080000]
set xlabel 'listings (log scale)'
set ylabel 'MiB (log scale)'
set title "Disk size and peak resident memory vs listings\npoints: measured; lines: fitted a*N^b; circles, solid: SQLite; squares, dashed: RocksDB"
set xtics ("25k" 25000, "50k" 50000, "100k" 100000, "200k" 200000, "400k" 400000, "800k" 800000, "1.6M" 1600000)
$sqlite << EOD
25000 13.25 31.5664 38.2852
50000 26.6445 48.6016 53.4062
100000 53.7109 82.6016 84.1055
200000 108.25 109.949 91.3867
400000 217.211 126.004 112.043
800000 435.793 137.277 210.121
1600000 875.09 179.277 374.461
EOD
$rocksdb << EOD
25000 11.0365 73.4297 46.3164
50000 22.2662 112.016 64.2891
100000 41.5771 159.461 85.9688
200000 83.6177 200.352 100.875
400000 168.024 271.777 112.191
800000 336.857 398.371 210.348
1600000 674.724 666.219 374.59
EOD
plot $sqlite using 1:2 with points pt 7 ps 1.4 lc rgb '#d62728' title 'SQLite disk  ∝ N^1.01', \
     0.000491052405 * x**1.00769188 with lines dt 1 lw 2 lc rgb '#d62728' notitle, \
     $sqlite using 1:3 with points pt 7 ps 1.4 lc rgb '#1f77b4' title 'SQLite load peak RSS  ∝ N^0.40', \
     0.695354004 * x**0.397230683 with lines dt 1 lw 2 lc rgb '#1f77b4' notitle, \
     $sqlite using 1:4 with points pt 7 ps 1.4 lc rgb '#2ca02c' title 'SQLite run peak RSS  ∝ N^0.51', \
     0.21137042 * x**0.508426291 with lines dt 1 lw 2 lc rgb '#2ca02c' notitle, \
     $rocksdb using 1:2 with points pt 5 ps 1.3 lc rgb '#d62728' title 'RocksDB disk  ∝ N^0.99', \
     0.000495208257 * x**0.987680248 with lines dt 2 lw 2 lc rgb '#d62728' notitle, \
     $rocksdb using 1:3 with points pt 5 ps 1.3 lc rgb '#1f77b4' title 'RocksDB load peak RSS  ∝ N^0.50', \
     0.478252334 * x**0.499097496 with lines dt 2 lw 2 lc rgb '#1f77b4' notitle, \
     $rocksdb using 1:4 with points pt 5 ps 1.3 lc rgb '#2ca02c' title 'RocksDB run peak RSS  ∝ N^0.46', \
     0.415079315 * x**0.458981738 with lines dt 2 lw 2 lc rgb '#2ca02c' notitle
