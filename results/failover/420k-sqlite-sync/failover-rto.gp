set terminal pngcairo size 800,450
set output 'failover-rto.png'
set xlabel 'failure detector timeout (ms)'
set ylabel 'ms (median of the runs, range)'
set key top left
plot 'failover-rto.dat' using 1:8:9:10 with yerrorlines title 'RTO (failure to first write)', '' using 1:2:3:4 with yerrorlines title 'detection', '' using 1:5:6:7 with yerrorlines title 'promotion'
