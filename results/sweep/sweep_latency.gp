set terminal pngcairo size 1150,680 noenhanced font ',10'
set output 'sweep_latency.png'
set logscale xy
set datafile missing '?'
set grid xtics ytics mytics
set key outside right top vertical spacing 1.3
set samples 400
set xrange [19230.76923076923:2080000]
set xlabel 'listings (log scale)'
set ylabel 'mean latency (µs, log scale)'
set title "Mean latency vs listings\npoints: measured; lines: fitted a*N^b; circles, solid: SQLite; squares, dashed: RocksDB"
set xtics ("25k" 25000, "50k" 50000, "100k" 100000, "200k" 200000, "400k" 400000, "800k" 800000, "1.6M" 1600000)
$sqlite << EOD
25000 29.0975 12.2484 54.4773 38.8664
50000 47.4338 17.3971 87.0064 74.8751
100000 42.1065 12.7505 64.937 74.8308
200000 65.8677 15.9289 85.5563 135.29
400000 126.001 26.1943 148.498 274.874
800000 109.028 19.7573 118.126 255.161
1600000 125.856 20.9745 128.797 317.463
EOD
$rocksdb << EOD
25000 27.1664 18.3064 27.3856 31.207
50000 18.0606 12.0024 15.9271 22.3195
100000 24.2273 17.1537 21.0955 31.5893
200000 40.6162 30.5243 35.1886 53.9682
400000 49.641 38.897 40.6467 68.4338
800000 88.0447 70.9534 77.2878 123.446
1600000 32.7907 19.5452 25.3816 52.5988
EOD
plot $sqlite using 1:2 with points pt 7 ps 1.4 lc rgb '#000000' title 'SQLite all  ∝ N^0.37', \
     0.754230888 * x**0.368613599 with lines dt 1 lw 2 lc rgb '#000000' notitle, \
     $sqlite using 1:3 with points pt 7 ps 1.4 lc rgb '#1f77b4' title 'SQLite R1  ∝ N^0.13', \
     3.40353082 * x**0.133353799 with lines dt 1 lw 2 lc rgb '#1f77b4' notitle, \
     $sqlite using 1:4 with points pt 7 ps 1.4 lc rgb '#2ca02c' title 'SQLite R2  ∝ N^0.21', \
     7.40916752 * x**0.20713213 with lines dt 1 lw 2 lc rgb '#2ca02c' notitle, \
     $sqlite using 1:5 with points pt 7 ps 1.4 lc rgb '#ff7f0e' title 'SQLite R3  ∝ N^0.52', \
     0.234761432 * x**0.518026245 with lines dt 1 lw 2 lc rgb '#ff7f0e' notitle, \
     $rocksdb using 1:2 with points pt 5 ps 1.3 lc rgb '#000000' title 'RocksDB all  ∝ N^0.23', \
     2.15336124 * x**0.229288183 with lines dt 2 lw 2 lc rgb '#000000' notitle, \
     $rocksdb using 1:3 with points pt 5 ps 1.3 lc rgb '#1f77b4' title 'RocksDB R1  ∝ N^0.24', \
     1.41588203 * x**0.235415558 with lines dt 2 lw 2 lc rgb '#1f77b4' notitle, \
     $rocksdb using 1:4 with points pt 5 ps 1.3 lc rgb '#2ca02c' title 'RocksDB R2  ∝ N^0.18', \
     3.21889252 * x**0.184814776 with lines dt 2 lw 2 lc rgb '#2ca02c' notitle, \
     $rocksdb using 1:5 with points pt 5 ps 1.3 lc rgb '#ff7f0e' title 'RocksDB R3  ∝ N^0.30', \
     1.26297241 * x**0.296777418 with lines dt 2 lw 2 lc rgb '#ff7f0e' notitle
