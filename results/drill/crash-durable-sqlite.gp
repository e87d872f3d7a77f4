set terminal pngcairo size 900,500 noenhanced
set output 'crash-durable-sqlite.png'
set grid
set key top left
set title 'crash-durable on sqlite: recovery (reopen + first read) after each crash'
set xlabel 'cycle'
set ylabel 'ms (log scale)'
set logscale y
set key outside bottom center horizontal
plot 'crash-durable-sqlite.dat' using 1:($4==1?$2:1/0) with points pt 7 ps 0.5 title 'after SIGKILL', 'crash-durable-sqlite.dat' using 1:($4==2?$2:1/0) with points pt 5 ps 0.5 title 'after power loss'
