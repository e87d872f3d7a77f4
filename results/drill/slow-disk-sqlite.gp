set terminal pngcairo size 900,500 noenhanced
set output 'slow-disk-sqlite.png'
set grid
set key top left
set title 'slow-disk on sqlite: throughput and p99 (cycle 0), injected faults marked'
set xlabel 'seconds since the workload started'
set ylabel 'operations/s'
set y2label 'p99 (us)'
set y2tics
set ytics nomirror
set arrow from 0.009909, graph 0 to 0.009909, graph 1 nohead lc rgb '#cc0000' dt 2
set arrow from 0.010194, graph 0 to 0.010194, graph 1 nohead lc rgb '#cc0000' dt 2
set arrow from 0.010472, graph 0 to 0.010472, graph 1 nohead lc rgb '#cc0000' dt 2
set arrow from 0.010741, graph 0 to 0.010741, graph 1 nohead lc rgb '#cc0000' dt 2
set arrow from 0.011014, graph 0 to 0.011014, graph 1 nohead lc rgb '#cc0000' dt 2
set arrow from 0.011283, graph 0 to 0.011283, graph 1 nohead lc rgb '#cc0000' dt 2
set arrow from 0.011556, graph 0 to 0.011556, graph 1 nohead lc rgb '#cc0000' dt 2
set arrow from 0.013987, graph 0 to 0.013987, graph 1 nohead lc rgb '#cc0000' dt 2
set arrow from 0.014267, graph 0 to 0.014267, graph 1 nohead lc rgb '#cc0000' dt 2
set arrow from 0.014543, graph 0 to 0.014543, graph 1 nohead lc rgb '#cc0000' dt 2
set arrow from 0.014812, graph 0 to 0.014812, graph 1 nohead lc rgb '#cc0000' dt 2
set arrow from 0.015085, graph 0 to 0.015085, graph 1 nohead lc rgb '#cc0000' dt 2
set arrow from 0.017954, graph 0 to 0.017954, graph 1 nohead lc rgb '#cc0000' dt 2
set arrow from 0.018236, graph 0 to 0.018236, graph 1 nohead lc rgb '#cc0000' dt 2
set arrow from 0.018512, graph 0 to 0.018512, graph 1 nohead lc rgb '#cc0000' dt 2
set arrow from 0.018782, graph 0 to 0.018782, graph 1 nohead lc rgb '#cc0000' dt 2
set arrow from 0.019055, graph 0 to 0.019055, graph 1 nohead lc rgb '#cc0000' dt 2
set arrow from 0.019326, graph 0 to 0.019326, graph 1 nohead lc rgb '#cc0000' dt 2
set arrow from 0.019599, graph 0 to 0.019599, graph 1 nohead lc rgb '#cc0000' dt 2
set arrow from 0.022401, graph 0 to 0.022401, graph 1 nohead lc rgb '#cc0000' dt 2
set arrow from 0.022682, graph 0 to 0.022682, graph 1 nohead lc rgb '#cc0000' dt 2
set arrow from 0.022959, graph 0 to 0.022959, graph 1 nohead lc rgb '#cc0000' dt 2
set arrow from 0.023229, graph 0 to 0.023229, graph 1 nohead lc rgb '#cc0000' dt 2
set arrow from 0.023519, graph 0 to 0.023519, graph 1 nohead lc rgb '#cc0000' dt 2
set arrow from 0.025842, graph 0 to 0.025842, graph 1 nohead lc rgb '#cc0000' dt 2
set arrow from 0.026122, graph 0 to 0.026122, graph 1 nohead lc rgb '#cc0000' dt 2
set arrow from 0.026399, graph 0 to 0.026399, graph 1 nohead lc rgb '#cc0000' dt 2
set arrow from 0.026675, graph 0 to 0.026675, graph 1 nohead lc rgb '#cc0000' dt 2
set arrow from 0.026951, graph 0 to 0.026951, graph 1 nohead lc rgb '#cc0000' dt 2
set arrow from 0.029410, graph 0 to 0.029410, graph 1 nohead lc rgb '#cc0000' dt 2
set arrow from 0.029687, graph 0 to 0.029687, graph 1 nohead lc rgb '#cc0000' dt 2
set arrow from 0.029964, graph 0 to 0.029964, graph 1 nohead lc rgb '#cc0000' dt 2
set arrow from 0.030240, graph 0 to 0.030240, graph 1 nohead lc rgb '#cc0000' dt 2
set arrow from 0.030515, graph 0 to 0.030515, graph 1 nohead lc rgb '#cc0000' dt 2
set arrow from 0.030785, graph 0 to 0.030785, graph 1 nohead lc rgb '#cc0000' dt 2
set arrow from 0.031056, graph 0 to 0.031056, graph 1 nohead lc rgb '#cc0000' dt 2
set arrow from 0.033744, graph 0 to 0.033744, graph 1 nohead lc rgb '#cc0000' dt 2
set arrow from 0.034027, graph 0 to 0.034027, graph 1 nohead lc rgb '#cc0000' dt 2
set arrow from 0.034303, graph 0 to 0.034303, graph 1 nohead lc rgb '#cc0000' dt 2
set arrow from 0.034573, graph 0 to 0.034573, graph 1 nohead lc rgb '#cc0000' dt 2
set arrow from 0.034846, graph 0 to 0.034846, graph 1 nohead lc rgb '#cc0000' dt 2
set arrow from 0.035115, graph 0 to 0.035115, graph 1 nohead lc rgb '#cc0000' dt 2
set arrow from 0.035387, graph 0 to 0.035387, graph 1 nohead lc rgb '#cc0000' dt 2
set arrow from 0.038658, graph 0 to 0.038658, graph 1 nohead lc rgb '#cc0000' dt 2
set arrow from 0.038941, graph 0 to 0.038941, graph 1 nohead lc rgb '#cc0000' dt 2
set arrow from 0.039219, graph 0 to 0.039219, graph 1 nohead lc rgb '#cc0000' dt 2
set arrow from 0.039509, graph 0 to 0.039509, graph 1 nohead lc rgb '#cc0000' dt 2
set arrow from 0.039791, graph 0 to 0.039791, graph 1 nohead lc rgb '#cc0000' dt 2
set arrow from 0.042557, graph 0 to 0.042557, graph 1 nohead lc rgb '#cc0000' dt 2
set arrow from 0.042849, graph 0 to 0.042849, graph 1 nohead lc rgb '#cc0000' dt 2
plot 'slow-disk-sqlite.dat' using 1:2 with lines lw 2 title 'ops/s', 'slow-disk-sqlite.dat' using 1:3 axes x1y2 with lines lw 2 title 'p99 us', 1/0 lc rgb '#cc0000' dt 2 title 'injected fault'
