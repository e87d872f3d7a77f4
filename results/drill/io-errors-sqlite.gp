set terminal pngcairo size 900,500 noenhanced
set output 'io-errors-sqlite.png'
set grid
set key top left
set title 'io-errors on sqlite: throughput and p99 (cycle 0), injected faults marked'
set xlabel 'seconds since the workload started'
set ylabel 'operations/s'
set y2label 'p99 (us)'
set y2tics
set ytics nomirror
set arrow from 0.007431, graph 0 to 0.007431, graph 1 nohead lc rgb '#cc0000' dt 2
set arrow from 0.008400, graph 0 to 0.008400, graph 1 nohead lc rgb '#cc0000' dt 2
set arrow from 0.009104, graph 0 to 0.009104, graph 1 nohead lc rgb '#cc0000' dt 2
set arrow from 0.018477, graph 0 to 0.018477, graph 1 nohead lc rgb '#cc0000' dt 2
set arrow from 0.018719, graph 0 to 0.018719, graph 1 nohead lc rgb '#cc0000' dt 2
set arrow from 0.019347, graph 0 to 0.019347, graph 1 nohead lc rgb '#cc0000' dt 2
plot 'io-errors-sqlite.dat' using 1:2 with lines lw 2 title 'ops/s', 'io-errors-sqlite.dat' using 1:3 axes x1y2 with lines lw 2 title 'p99 us', 1/0 lc rgb '#cc0000' dt 2 title 'injected fault'
