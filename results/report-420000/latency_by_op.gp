set terminal pngcairo size 900,540 noenhanced
set output 'latency_by_op.png'
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set ylabel 'mean latency (µs)'
set grid ytics
set title 'Mean latency per access pattern (measured)'
plot 'latency_by_op.dat' using 2:xtic(1) title 'SQLite normalized', '' using 3 title 'RocksDB single-table'
