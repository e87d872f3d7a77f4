set terminal pngcairo size 900,500 noenhanced
set output 'disk-full-rocksdb.png'
set grid
set key top left
set title 'disk-full on rocksdb: throughput and p99 (cycle 0), injected faults marked'
set xlabel 'seconds since the workload started'
set ylabel 'operations/s'
set y2label 'p99 (us)'
set y2tics
set ytics nomirror
set arrow from 0.035789, graph 0 to 0.035789, graph 1 nohead lc rgb '#cc0000' dt 2
set arrow from 0.037210, graph 0 to 0.037210, graph 1 nohead lc rgb '#cc0000' dt 2
set arrow from 0.037978, graph 0 to 0.037978, graph 1 nohead lc rgb '#cc0000' dt 2
set arrow from 0.038479, graph 0 to 0.038479, graph 1 nohead lc rgb '#cc0000' dt 2
set arrow from 0.038957, graph 0 to 0.038957, graph 1 nohead lc rgb '#cc0000' dt 2
set arrow from 0.039431, graph 0 to 0.039431, graph 1 nohead lc rgb '#cc0000' dt 2
set arrow from 0.039875, graph 0 to 0.039875, graph 1 nohead lc rgb '#cc0000' dt 2
set arrow from 0.040358, graph 0 to 0.040358, graph 1 nohead lc rgb '#cc0000' dt 2
set arrow from 0.040865, graph 0 to 0.040865, graph 1 nohead lc rgb '#cc0000' dt 2
set arrow from 0.041336, graph 0 to 0.041336, graph 1 nohead lc rgb '#cc0000' dt 2
set arrow from 0.041793, graph 0 to 0.041793, graph 1 nohead lc rgb '#cc0000' dt 2
set arrow from 0.042238, graph 0 to 0.042238, graph 1 nohead lc rgb '#cc0000' dt 2
set arrow from 0.042677, graph 0 to 0.042677, graph 1 nohead lc rgb '#cc0000' dt 2
set arrow from 0.043110, graph 0 to 0.043110, graph 1 nohead lc rgb '#cc0000' dt 2
set arrow from 0.043573, graph 0 to 0.043573, graph 1 nohead lc rgb '#cc0000' dt 2
set arrow from 0.044023, graph 0 to 0.044023, graph 1 nohead lc rgb '#cc0000' dt 2
set arrow from 0.044517, graph 0 to 0.044517, graph 1 nohead lc rgb '#cc0000' dt 2
set arrow from 0.045003, graph 0 to 0.045003, graph 1 nohead lc rgb '#cc0000' dt 2
set arrow from 0.045462, graph 0 to 0.045462, graph 1 nohead lc rgb '#cc0000' dt 2
set arrow from 0.045905, graph 0 to 0.045905, graph 1 nohead lc rgb '#cc0000' dt 2
set arrow from 0.046380, graph 0 to 0.046380, graph 1 nohead lc rgb '#cc0000' dt 2
set arrow from 0.046874, graph 0 to 0.046874, graph 1 nohead lc rgb '#cc0000' dt 2
set arrow from 0.047400, graph 0 to 0.047400, graph 1 nohead lc rgb '#cc0000' dt 2
set arrow from 0.048024, graph 0 to 0.048024, graph 1 nohead lc rgb '#cc0000' dt 2
set arrow from 0.048769, graph 0 to 0.048769, graph 1 nohead lc rgb '#cc0000' dt 2
set arrow from 0.049412, graph 0 to 0.049412, graph 1 nohead lc rgb '#cc0000' dt 2
set arrow from 0.050062, graph 0 to 0.050062, graph 1 nohead lc rgb '#cc0000' dt 2
set arrow from 0.050703, graph 0 to 0.050703, graph 1 nohead lc rgb '#cc0000' dt 2
set arrow from 0.051338, graph 0 to 0.051338, graph 1 nohead lc rgb '#cc0000' dt 2
set arrow from 0.051975, graph 0 to 0.051975, graph 1 nohead lc rgb '#cc0000' dt 2
set arrow from 0.052680, graph 0 to 0.052680, graph 1 nohead lc rgb '#cc0000' dt 2
set arrow from 0.053482, graph 0 to 0.053482, graph 1 nohead lc rgb '#cc0000' dt 2
set arrow from 0.054146, graph 0 to 0.054146, graph 1 nohead lc rgb '#cc0000' dt 2
set arrow from 0.054844, graph 0 to 0.054844, graph 1 nohead lc rgb '#cc0000' dt 2
set arrow from 0.055510, graph 0 to 0.055510, graph 1 nohead lc rgb '#cc0000' dt 2
set arrow from 0.056151, graph 0 to 0.056151, graph 1 nohead lc rgb '#cc0000' dt 2
set arrow from 0.056894, graph 0 to 0.056894, graph 1 nohead lc rgb '#cc0000' dt 2
set arrow from 0.057547, graph 0 to 0.057547, graph 1 nohead lc rgb '#cc0000' dt 2
set arrow from 0.058191, graph 0 to 0.058191, graph 1 nohead lc rgb '#cc0000' dt 2
set arrow from 0.058999, graph 0 to 0.058999, graph 1 nohead lc rgb '#cc0000' dt 2
set arrow from 0.059661, graph 0 to 0.059661, graph 1 nohead lc rgb '#cc0000' dt 2
set arrow from 0.060554, graph 0 to 0.060554, graph 1 nohead lc rgb '#cc0000' dt 2
set arrow from 0.061205, graph 0 to 0.061205, graph 1 nohead lc rgb '#cc0000' dt 2
set arrow from 0.061864, graph 0 to 0.061864, graph 1 nohead lc rgb '#cc0000' dt 2
set arrow from 0.062489, graph 0 to 0.062489, graph 1 nohead lc rgb '#cc0000' dt 2
set arrow from 0.063137, graph 0 to 0.063137, graph 1 nohead lc rgb '#cc0000' dt 2
set arrow from 0.063809, graph 0 to 0.063809, graph 1 nohead lc rgb '#cc0000' dt 2
set arrow from 0.064529, graph 0 to 0.064529, graph 1 nohead lc rgb '#cc0000' dt 2
set arrow from 0.065183, graph 0 to 0.065183, graph 1 nohead lc rgb '#cc0000' dt 2
set arrow from 0.065822, graph 0 to 0.065822, graph 1 nohead lc rgb '#cc0000' dt 2
plot 'disk-full-rocksdb.dat' using 1:2 with lines lw 2 title 'ops/s', 'disk-full-rocksdb.dat' using 1:3 axes x1y2 with lines lw 2 title 'p99 us', 1/0 lc rgb '#cc0000' dt 2 title 'injected fault'
