set terminal pngcairo size 1000,620 noenhanced font ',10'
set output 'saturate-sqlite.png'
set logscale y
set grid xtics ytics
set key left top
set xlabel 'achieved throughput (ops/s)'
set ylabel 'latency from intended start (ms, log scale)'
set title "sqlite: latency vs throughput, 2 client thread(s), open loop\nSLO p99 <= 100 ms"
set label 1 'knee: 3790 ops/s' at 3790.129,21.5613 offset 1,1 point pt 6 ps 2
plot 'saturate-sqlite.dat' using 1:3 with linespoints pt 7 lw 2 lc rgb '#d62728' title 'p99', \
     'saturate-sqlite.dat' using 1:2 with linespoints pt 5 lw 2 lc rgb '#1f77b4' title 'p50', \
     100 with lines dt 2 lw 2 lc rgb '#000000' title 'SLO p99 100 ms'
