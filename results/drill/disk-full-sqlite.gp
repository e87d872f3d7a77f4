set terminal pngcairo size 900,500 noenhanced
set output 'disk-full-sqlite.png'
set grid
set key top left
set title 'disk-full on sqlite: throughput and p99 (cycle 0), injected faults marked'
set xlabel 'seconds since the workload started'
set ylabel 'operations/s'
set y2label 'p99 (us)'
set y2tics
set ytics nomirror
set arrow from 0.033316, graph 0 to 0.033316, graph 1 nohead lc rgb '#cc0000' dt 2
set arrow from 0.033384, graph 0 to 0.033384, graph 1 nohead lc rgb '#cc0000' dt 2
set arrow from 0.033405, graph 0 to 0.033405, graph 1 nohead lc rgb '#cc0000' dt 2
set arrow from 0.033427, graph 0 to 0.033427, graph 1 nohead lc rgb '#cc0000' dt 2
set arrow from 0.033456, graph 0 to 0.033456, graph 1 nohead lc rgb '#cc0000' dt 2
set arrow from 0.033482, graph 0 to 0.033482, graph 1 nohead lc rgb '#cc0000' dt 2
set arrow from 0.033502, graph 0 to 0.033502, graph 1 nohead lc rgb '#cc0000' dt 2
set arrow from 0.033526, graph 0 to 0.033526, graph 1 nohead lc rgb '#cc0000' dt 2
set arrow from 0.033572, graph 0 to 0.033572, graph 1 nohead lc rgb '#cc0000' dt 2
set arrow from 0.033594, graph 0 to 0.033594, graph 1 nohead lc rgb '#cc0000' dt 2
set arrow from 0.033624, graph 0 to 0.033624, graph 1 nohead lc rgb '#cc0000' dt 2
set arrow from 0.033649, graph 0 to 0.033649, graph 1 nohead lc rgb '#cc0000' dt 2
set arrow from 0.033671, graph 0 to 0.033671, graph 1 nohead lc rgb '#cc0000' dt 2
set arrow from 0.033692, graph 0 to 0.033692, graph 1 nohead lc rgb '#cc0000' dt 2
set arrow from 0.033716, graph 0 to 0.033716, graph 1 nohead lc rgb '#cc0000' dt 2
set arrow from 0.033734, graph 0 to 0.033734, graph 1 nohead lc rgb '#cc0000' dt 2
set arrow from 0.033756, graph 0 to 0.033756, graph 1 nohead lc rgb '#cc0000' dt 2
set arrow from 0.033779, graph 0 to 0.033779, graph 1 nohead lc rgb '#cc0000' dt 2
set arrow from 0.033809, graph 0 to 0.033809, graph 1 nohead lc rgb '#cc0000' dt 2
set arrow from 0.033827, graph 0 to 0.033827, graph 1 nohead lc rgb '#cc0000' dt 2
set arrow from 0.033877, graph 0 to 0.033877, graph 1 nohead lc rgb '#cc0000' dt 2
set arrow from 0.033898, graph 0 to 0.033898, graph 1 nohead lc rgb '#cc0000' dt 2
set arrow from 0.033929, graph 0 to 0.033929, graph 1 nohead lc rgb '#cc0000' dt 2
set arrow from 0.033947, graph 0 to 0.033947, graph 1 nohead lc rgb '#cc0000' dt 2
set arrow from 0.033964, graph 0 to 0.033964, graph 1 nohead lc rgb '#cc0000' dt 2
set arrow from 0.034183, graph 0 to 0.034183, graph 1 nohead lc rgb '#cc0000' dt 2
set arrow from 0.034208, graph 0 to 0.034208, graph 1 nohead lc rgb '#cc0000' dt 2
set arrow from 0.034243, graph 0 to 0.034243, graph 1 nohead lc rgb '#cc0000' dt 2
set arrow from 0.034273, graph 0 to 0.034273, graph 1 nohead lc rgb '#cc0000' dt 2
set arrow from 0.034510, graph 0 to 0.034510, graph 1 nohead lc rgb '#cc0000' dt 2
set arrow from 0.034528, graph 0 to 0.034528, graph 1 nohead lc rgb '#cc0000' dt 2
set arrow from 0.034548, graph 0 to 0.034548, graph 1 nohead lc rgb '#cc0000' dt 2
set arrow from 0.034565, graph 0 to 0.034565, graph 1 nohead lc rgb '#cc0000' dt 2
set arrow from 0.034582, graph 0 to 0.034582, graph 1 nohead lc rgb '#cc0000' dt 2
set arrow from 0.034601, graph 0 to 0.034601, graph 1 nohead lc rgb '#cc0000' dt 2
set arrow from 0.034621, graph 0 to 0.034621, graph 1 nohead lc rgb '#cc0000' dt 2
set arrow from 0.034650, graph 0 to 0.034650, graph 1 nohead lc rgb '#cc0000' dt 2
set arrow from 0.034675, graph 0 to 0.034675, graph 1 nohead lc rgb '#cc0000' dt 2
set arrow from 0.034692, graph 0 to 0.034692, graph 1 nohead lc rgb '#cc0000' dt 2
set arrow from 0.034713, graph 0 to 0.034713, graph 1 nohead lc rgb '#cc0000' dt 2
set arrow from 0.034739, graph 0 to 0.034739, graph 1 nohead lc rgb '#cc0000' dt 2
set arrow from 0.035082, graph 0 to 0.035082, graph 1 nohead lc rgb '#cc0000' dt 2
set arrow from 0.035095, graph 0 to 0.035095, graph 1 nohead lc rgb '#cc0000' dt 2
set arrow from 0.035426, graph 0 to 0.035426, graph 1 nohead lc rgb '#cc0000' dt 2
set arrow from 0.035447, graph 0 to 0.035447, graph 1 nohead lc rgb '#cc0000' dt 2
set arrow from 0.035790, graph 0 to 0.035790, graph 1 nohead lc rgb '#cc0000' dt 2
set arrow from 0.036141, graph 0 to 0.036141, graph 1 nohead lc rgb '#cc0000' dt 2
set arrow from 0.036512, graph 0 to 0.036512, graph 1 nohead lc rgb '#cc0000' dt 2
set arrow from 0.036532, graph 0 to 0.036532, graph 1 nohead lc rgb '#cc0000' dt 2
set arrow from 0.036549, graph 0 to 0.036549, graph 1 nohead lc rgb '#cc0000' dt 2
plot 'disk-full-sqlite.dat' using 1:2 with lines lw 2 title 'ops/s', 'disk-full-sqlite.dat' using 1:3 axes x1y2 with lines lw 2 title 'p99 us', 1/0 lc rgb '#cc0000' dt 2 title 'injected fault'
