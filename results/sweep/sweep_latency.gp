set terminal pngcairo size 1150,680 noenhanced font ',10'
set output 'sweep_latency.png'
set logscale xy
set datafile missing '?'
set grid xtics ytics mytics
set key outside right top vertical spacing 1.3
set samples 400
set xrange [19230.76923076923:2080000]
set xlabel 'listings (log scale)'
set ylabel 'mean latency (µs, log scale)'
set title "Mean latency vs listings\npoints: measured; lines: fitted a*N^b; circles, solid: SQLite; squares, dashed: RocksDB"
set xtics ("25k" 25000, "50k" 50000, "100k" 100000, "200k" 200000, "400k" 400000, "800k" 800000, "1.6M" 1600000)
$sqlite << EOD
25000 25.3731 10.8497 47.4444 33.7966
50000 31.45 11.4397 54.2887 49.1945
100000 43.5762 13.9689 69.7257 76.8306
200000 92.8613 23.075 124.482 188.627
400000 89.3525 18.2552 100.675 200.311
800000 93.2413 17.0392 100.281 219.8
1600000 126.891 21.2892 129.641 312.899
EOD
$rocksdb << EOD
25000 14.9197 9.9566 14.4546 16.3914
50000 18.6575 12.525 16.985 22.8438
100000 23.275 15.642 19.2116 30.0391
200000 26.1288 16.7129 21.7525 35.624
400000 32.1775 20.1659 25.6524 46.9221
800000 32.6398 20.6991 28.1426 47.7947
1600000 43.2696 27.5489 32.7758 68.3471
EOD
plot $sqlite using 1:2 with points pt 7 ps 1.4 lc rgb '#000000' title 'SQLite all  ∝ N^0.40', \
     0.480512258 * x**0.397801187 with lines dt 1 lw 2 lc rgb '#000000' notitle, \
     $sqlite using 1:3 with points pt 7 ps 1.4 lc rgb '#1f77b4' title 'SQLite R1  ∝ N^0.16', \
     2.29208864 * x**0.159039485 with lines dt 1 lw 2 lc rgb '#1f77b4' notitle, \
     $sqlite using 1:4 with points pt 7 ps 1.4 lc rgb '#2ca02c' title 'SQLite R2  ∝ N^0.24', \
     4.61880711 * x**0.237543192 with lines dt 1 lw 2 lc rgb '#2ca02c' notitle, \
     $sqlite using 1:5 with points pt 7 ps 1.4 lc rgb '#ff7f0e' title 'SQLite R3  ∝ N^0.55', \
     0.148378929 * x**0.54764178 with lines dt 1 lw 2 lc rgb '#ff7f0e' notitle, \
     $rocksdb using 1:2 with points pt 5 ps 1.3 lc rgb '#000000' title 'RocksDB all  ∝ N^0.24', \
     1.39907557 * x**0.238908211 with lines dt 2 lw 2 lc rgb '#000000' notitle, \
     $rocksdb using 1:3 with points pt 5 ps 1.3 lc rgb '#1f77b4' title 'RocksDB R1  ∝ N^0.22', \
     1.11455935 * x**0.222172021 with lines dt 2 lw 2 lc rgb '#1f77b4' notitle, \
     $rocksdb using 1:4 with points pt 5 ps 1.3 lc rgb '#2ca02c' title 'RocksDB R2  ∝ N^0.19', \
     2.06587221 * x**0.193478995 with lines dt 2 lw 2 lc rgb '#2ca02c' notitle, \
     $rocksdb using 1:5 with points pt 5 ps 1.3 lc rgb '#ff7f0e' title 'RocksDB R3  ∝ N^0.32', \
     0.701640729 * x**0.319762325 with lines dt 2 lw 2 lc rgb '#ff7f0e' notitle
