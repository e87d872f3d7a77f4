set terminal pngcairo size 1000,620 noenhanced font ',10'
set output 'saturate-rocksdb.png'
set logscale y
set grid xtics ytics
set key left top
set xlabel 'achieved throughput (ops/s)'
set ylabel 'latency from intended start (ms, log scale)'
set title "rocksdb: latency vs throughput, 2 client thread(s), open loop\nSLO p99 <= 5 ms"
set label 1 'knee: 43242 ops/s' at 43242.356,0.8458 offset 1,1 point pt 6 ps 2
plot 'saturate-rocksdb.dat' using 1:3 with linespoints pt 7 lw 2 lc rgb '#d62728' title 'p99', \
     'saturate-rocksdb.dat' using 1:2 with linespoints pt 5 lw 2 lc rgb '#1f77b4' title 'p50', \
     5 with lines dt 2 lw 2 lc rgb '#000000' title 'SLO p99 5 ms'
