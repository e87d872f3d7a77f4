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
25000 13.25 31.7734 38.375
50000 26.6445 48.5195 53.4727
100000 53.7109 82.6133 84.125
200000 108.25 109.844 91.2109
400000 217.211 126.074 112.305
800000 435.793 137.48 210.297
1600000 875.09 179.555 374.402
EOD
$rocksdb << EOD
25000 11.0364 73.5742 47.2734
50000 22.2661 111.957 63.3359
100000 44.2233 158.312 89.5508
200000 89.088 200.406 111.891
400000 179.002 270.418 129.418
800000 358.996 404.105 210.332
1600000 720.71 677.93 374.578
EOD
plot $sqlite using 1:2 with points pt 7 ps 1.4 lc rgb '#d62728' title 'SQLite disk  ∝ N^1.01', \
     0.000491052405 * x**1.00769188 with lines dt 1 lw 2 lc rgb '#d62728' notitle, \
     $sqlite using 1:3 with points pt 7 ps 1.4 lc rgb '#1f77b4' title 'SQLite load peak RSS  ∝ N^0.40', \
     0.699719657 * x**0.396807023 with lines dt 1 lw 2 lc rgb '#1f77b4' notitle, \
     $sqlite using 1:4 with points pt 7 ps 1.4 lc rgb '#2ca02c' title 'SQLite run peak RSS  ∝ N^0.51', \
     0.212346765 * x**0.508106157 with lines dt 1 lw 2 lc rgb '#2ca02c' notitle, \
     $rocksdb using 1:2 with points pt 5 ps 1.3 lc rgb '#d62728' title 'RocksDB disk  ∝ N^1.00', \
     0.000421960152 * x**1.00451499 with lines dt 2 lw 2 lc rgb '#d62728' notitle, \
     $rocksdb using 1:3 with points pt 5 ps 1.3 lc rgb '#1f77b4' title 'RocksDB load peak RSS  ∝ N^0.50', \
     0.456674587 * x**0.503127843 with lines dt 2 lw 2 lc rgb '#1f77b4' notitle, \
     $rocksdb using 1:4 with points pt 5 ps 1.3 lc rgb '#2ca02c' title 'RocksDB run peak RSS  ∝ N^0.46', \
     0.414087596 * x**0.462603557 with lines dt 2 lw 2 lc rgb '#2ca02c' notitle
