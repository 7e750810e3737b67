# chart.gp - tests/bench/run's chart: connections/s and round trips/s per
# server design, as bars. gnuplot -e "data='FILE'; out='FILE.svg'" chart.gp
# Each line of data: design CONN_PER_S ROUND_TRIPS_PER_S (? = none).
set terminal svg size 1000,420 dynamic font "sans,12"
set output out
set datafile missing "?"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.8
set grid ytics
set yrange [0:*]
set xtics scale 0 nomirror
set key off
set multiplot layout 1,2 title "Server designs under the same load (median of the runs)"
set title "new connection per request"
set ylabel "connections per second"
plot data using 2:xtic(1) linecolor rgb "#4477aa"
set title "requests on a kept connection"
set ylabel "round trips per second"
plot data using 3:xtic(1) linecolor rgb "#ee7733"
unset multiplot
