set terminal pngcairo size 900,450
set output 'failover-timeline.png'
set xlabel 'seconds from the failure'
set ylabel 'requests per second'
set key outside top center horizontal
set arrow from 0.000, graph 0 to 0.000, graph 1 nohead dt 2
set label 'failure' at 0.000, graph 0.95 rotate by 90 right offset -0.5,0
set arrow from 0.929, graph 0 to 0.929, graph 1 nohead dt 2
set label 'detected' at 0.929, graph 0.95 rotate by 90 right offset -0.5,0
set arrow from 0.937, graph 0 to 0.937, graph 1 nohead dt 2
set label 'promoted' at 0.937, graph 0.95 rotate by 90 right offset -0.5,0
set arrow from 0.945, graph 0 to 0.945, graph 1 nohead dt 2
set label 'first write' at 0.945, graph 0.95 rotate by 90 right offset -0.5,0
plot 'failover-timeline.dat' using 1:2 with steps title 'answered', '' using 1:3 with steps title 'failed (retried)'
