set terminal pngcairo size 900,500 noenhanced
set output 'crash-durable-threads4-rocksdb-rocksdb.png'
set grid
set key top left
set title 'crash-durable on rocksdb: throughput of each cycle and the recovery after its crash'
set xlabel 'seconds since the drill started'
set ylabel 'acknowledged writes/s'
set y2label 'recovery: reopen + first read (ms, log scale)'
set y2tics
set ytics nomirror
set logscale y2
set key outside bottom center horizontal
plot 'crash-durable-threads4-rocksdb-rocksdb.dat' using 1:($3>0?$3:1/0) with lines lc rgb '#999999' title 'acknowledged writes/s', 'crash-durable-threads4-rocksdb-rocksdb.dat' using 1:($4==1?$2:1/0) axes x1y2 with points pt 7 ps 0.5 title 'crash: SIGKILL (recovery ms)', 'crash-durable-threads4-rocksdb-rocksdb.dat' using 1:($4==2?$2:1/0) axes x1y2 with points pt 5 ps 0.5 title 'crash: power loss (recovery ms)'
