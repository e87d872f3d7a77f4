set terminal pngcairo size 900,540 noenhanced
set output 'latency_cdf.png'
set datafile separator ','
set logscale x
set key bottom right
set xlabel 'latency (µs, log scale)'
set ylabel 'fraction of requests'
set grid
set title 'Latency CDF, all requests of the workload (measured)'
plot 'cdf.csv' every ::1 using 2:1 with linespoints lw 2 title 'SQLite normalized', '' every ::1 using 3:1 with linespoints lw 2 title 'RocksDB single-table'
