set terminal pngcairo size 900,500 noenhanced
set output 'slow-disk-rocksdb.png'
set grid
set key top left
set title 'slow-disk on rocksdb: throughput and p99 (cycle 0), injected faults marked'
set xlabel 'seconds since the workload started'
set ylabel 'operations/s'
set y2label 'p99 (us)'
set y2tics
set ytics nomirror
set arrow from 0.007024, graph 0 to 0.007024, graph 1 nohead lc rgb '#cc0000' dt 2
set arrow from 0.007430, graph 0 to 0.007430, graph 1 nohead lc rgb '#cc0000' dt 2
set arrow from 0.007714, graph 0 to 0.007714, graph 1 nohead lc rgb '#cc0000' dt 2
set arrow from 0.010008, graph 0 to 0.010008, graph 1 nohead lc rgb '#cc0000' dt 2
set arrow from 0.010358, graph 0 to 0.010358, graph 1 nohead lc rgb '#cc0000' dt 2
set arrow from 0.010642, graph 0 to 0.010642, graph 1 nohead lc rgb '#cc0000' dt 2
set arrow from 0.013002, graph 0 to 0.013002, graph 1 nohead lc rgb '#cc0000' dt 2
set arrow from 0.013581, graph 0 to 0.013581, graph 1 nohead lc rgb '#cc0000' dt 2
set arrow from 0.013872, graph 0 to 0.013872, graph 1 nohead lc rgb '#cc0000' dt 2
set arrow from 0.016543, graph 0 to 0.016543, graph 1 nohead lc rgb '#cc0000' dt 2
set arrow from 0.016827, graph 0 to 0.016827, graph 1 nohead lc rgb '#cc0000' dt 2
set arrow from 0.019137, graph 0 to 0.019137, graph 1 nohead lc rgb '#cc0000' dt 2
set arrow from 0.019421, graph 0 to 0.019421, graph 1 nohead lc rgb '#cc0000' dt 2
set arrow from 0.021771, graph 0 to 0.021771, graph 1 nohead lc rgb '#cc0000' dt 2
set arrow from 0.022076, graph 0 to 0.022076, graph 1 nohead lc rgb '#cc0000' dt 2
set arrow from 0.022355, graph 0 to 0.022355, graph 1 nohead lc rgb '#cc0000' dt 2
set arrow from 0.024871, graph 0 to 0.024871, graph 1 nohead lc rgb '#cc0000' dt 2
set arrow from 0.025156, graph 0 to 0.025156, graph 1 nohead lc rgb '#cc0000' dt 2
set arrow from 0.027863, graph 0 to 0.027863, graph 1 nohead lc rgb '#cc0000' dt 2
set arrow from 0.028147, graph 0 to 0.028147, graph 1 nohead lc rgb '#cc0000' dt 2
set arrow from 0.030675, graph 0 to 0.030675, graph 1 nohead lc rgb '#cc0000' dt 2
set arrow from 0.030975, graph 0 to 0.030975, graph 1 nohead lc rgb '#cc0000' dt 2
set arrow from 0.033364, graph 0 to 0.033364, graph 1 nohead lc rgb '#cc0000' dt 2
set arrow from 0.033657, graph 0 to 0.033657, graph 1 nohead lc rgb '#cc0000' dt 2
set arrow from 0.036246, graph 0 to 0.036246, graph 1 nohead lc rgb '#cc0000' dt 2
set arrow from 0.036527, graph 0 to 0.036527, graph 1 nohead lc rgb '#cc0000' dt 2
set arrow from 0.039310, graph 0 to 0.039310, graph 1 nohead lc rgb '#cc0000' dt 2
set arrow from 0.039594, graph 0 to 0.039594, graph 1 nohead lc rgb '#cc0000' dt 2
set arrow from 0.041945, graph 0 to 0.041945, graph 1 nohead lc rgb '#cc0000' dt 2
set arrow from 0.042237, graph 0 to 0.042237, graph 1 nohead lc rgb '#cc0000' dt 2
plot 'slow-disk-rocksdb.dat' using 1:2 with lines lw 2 title 'ops/s', 'slow-disk-rocksdb.dat' using 1:3 axes x1y2 with lines lw 2 title 'p99 us', 1/0 lc rgb '#cc0000' dt 2 title 'injected fault'
