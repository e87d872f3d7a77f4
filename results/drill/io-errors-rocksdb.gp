set terminal pngcairo size 900,500 noenhanced
set output 'io-errors-rocksdb.png'
set grid
set key top left
set title 'io-errors on rocksdb: throughput and p99 (cycle 0), injected faults marked'
set xlabel 'seconds since the workload started'
set ylabel 'operations/s'
set y2label 'p99 (us)'
set y2tics
set ytics nomirror
set arrow from 0.006156, graph 0 to 0.006156, graph 1 nohead lc rgb '#cc0000' dt 2
set arrow from 0.012843, graph 0 to 0.012843, graph 1 nohead lc rgb '#cc0000' dt 2
set arrow from 0.012873, graph 0 to 0.012873, graph 1 nohead lc rgb '#cc0000' dt 2
set arrow from 0.012882, graph 0 to 0.012882, graph 1 nohead lc rgb '#cc0000' dt 2
plot 'io-errors-rocksdb.dat' using 1:2 with lines lw 2 title 'ops/s', 'io-errors-rocksdb.dat' using 1:3 axes x1y2 with lines lw 2 title 'p99 us', 1/0 lc rgb '#cc0000' dt 2 title 'injected fault'
