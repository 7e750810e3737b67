# summary.awk - the medians of tests/bench/run's runs, as a Markdown table on
# stdout, a CSV (-v csv=FILE) and gnuplot data (-v plot=FILE).
# Input: the runs CSV (one line per run, header first). Other variables:
# titles (design TAB title TAB server command, one per line, in table order),
# missing (design TAB title TAB why), idle, machine, load, when.
# Plain POSIX awk (mawk has no asort).

BEGIN {
    FS = ","
    ntitles = split(titles, lines, "\n")
    for (i = 1; i <= ntitles; i++) {
        split(lines[i], f, "\t")
        order[i] = f[1]; title[f[1]] = f[2]; server[f[1]] = f[3]
    }
    nmissing = split(missing, lines, "\n")
    for (i = 1; i <= nmissing; i++) {
        split(lines[i], f, "\t")
        why_missing[f[1]] = f[3]
    }
    nkinds = split("connect timeout closed mismatch other", kinds, " ")
}

NR == 1 { for (i = 1; i <= NF; i++) col[$i] = i; next }

function v(name) { return $(col[name]) }

# add(key, value): remember one value of a measurement, to take its median.
function add(key, value) {
    if (value == "") return
    values[key] = (key in values) ? values[key] " " value : value
}

{
    d = v("design"); m = v("mode"); r = v("rep")
    ok = v("ok") + 0
    add(d SUBSEP m SUBSEP "ops", v("ops_per_s"))
    if (ok > 0) {
        add(d SUBSEP m SUBSEP "p50", v("p50_us"))
        add(d SUBSEP m SUBSEP "p99", v("p99_us"))
        add(d SUBSEP m SUBSEP "max", v("max_us"))
        if (v("user_ms") != "")
            add(d SUBSEP m SUBSEP "cpu", (v("user_ms") + v("sys_ms")) / ok * 1000)
    }
    add(d SUBSEP m SUBSEP "served", v("idle_served"))
    # Memory: Pss (shared pages split between the processes sharing them)
    # in the table, RSS in the CSV too; the larger of a repetition's runs.
    pss = v("peak_pss_kib"); rss = v("peak_rss_kib")
    if (m == "idle") {
        add(d SUBSEP "idle" SUBSEP "pss", pss)
    } else {
        if (pss != "" && (!((d, r) in rep_pss) || pss + 0 > rep_pss[d, r])) rep_pss[d, r] = pss + 0
        if (rss != "" && (!((d, r) in rep_rss) || rss + 0 > rep_rss[d, r])) rep_rss[d, r] = rss + 0
    }
    g = m == "idle" ? "idle" : "main" # the idle runs' errors have their own column
    for (k = 1; k <= nkinds; k++)
        errs[d, g, kinds[k]] += v("err_" kinds[k])
    errs[d, g] += v("errors")
    if (v("note") != "" && !((d, m) in note)) note[d, m] = v("note")
}

function median(key,    n, a, i, j, t) {
    if (!(key in values)) return ""
    n = split(values[key], a, " ")
    for (i = 2; i <= n; i++)          # insertion sort: a handful of values
        for (j = i; j > 1 && a[j - 1] + 0 > a[j] + 0; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
    return n % 2 ? a[(n + 1) / 2] + 0 : (a[n / 2] + a[n / 2 + 1]) / 2
}

function rate(x,    s, out) {
    if (x == "") return "—"
    s = sprintf("%d", x + 0.5); out = ""
    while (length(s) > 3) { out = "," substr(s, length(s) - 2) out; s = substr(s, 1, length(s) - 3) }
    return s out
}

function latency(us) {
    if (us == "") return "—"
    if (us < 10) return sprintf("%.1f µs", us)
    if (us < 1000) return sprintf("%d µs", us + 0.5)
    if (us < 100000) return sprintf("%.1f ms", us / 1000)
    if (us < 999500) return sprintf("%d ms", us / 1000 + 0.5)
    return sprintf("%.2f s", us / 1000000)
}

# No /proc (not Linux): measure reports 0, shown as unknown.
function mib(kib) { return kib == "" || kib == 0 ? "—" : sprintf("%.1f MiB", kib / 1024) }
function ms(x) { return x == "" ? "—" : sprintf("%.1f ms", x) }

# error_text(d, g): the errors of design d's main or idle runs, by kind.
function error_text(d, g,    k, parts, n) {
    n = errs[d, g] + 0
    if (n == 0) return "0"
    parts = ""
    for (k = 1; k <= nkinds; k++)
        if (errs[d, g, kinds[k]] > 0)
            parts = parts (parts == "" ? "" : ", ") kinds[k] " " errs[d, g, kinds[k]]
    return n " (" parts ")"
}

# peak_median(d, per_rep): the median over repetitions of per_rep[d, rep].
function peak_median(d, per_rep, name,    r, list) {
    list = ""
    for (r = 1; r <= 1000; r++)
        if ((d, r) in per_rep) list = list (list == "" ? "" : " ") per_rep[d, r]
    if (list == "") return ""
    values[d SUBSEP name] = list
    return median(d SUBSEP name)
}

function csv_text(s) { gsub(/"/, "\"\"", s); return "\"" s "\"" }

# expect(what, why, ratio, goal, at_least, shown): one line of the
# expectations: what a design was expected to do, why, and what this run shows.
function expect(what, why, ratio, goal, at_least, shown,    met) {
    if (ratio == "") { printf "- %s (%s): not measured in this run\n", what, why; return }
    met = at_least ? ratio >= goal : ratio <= goal
    printf "- %s (%s): %s, %s\n", what, why, shown, met ? "as expected" : (at_least ? "**less than expected**" : "**more than expected**")
}

END {
    printf "## Server designs side by side, %s\n\n", when
    printf "Machine: %s.  \nLoad: %s.\n\n", machine, load
    header = "| design | server | conn/s | conn p50 | conn p99 | round trips/s | rt p50 | rt p99 | rt max | server CPU per 1000 conn | peak memory | errors |"
    rule = "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"
    if (idle > 0) {
        header = header " conn/s, " idle " idle | kept | idle served | memory, " idle " idle | errors, " idle " idle |"
        rule = rule "---:|---:|---:|---:|---|"
    }
    print header; print rule
    print "design,title,server,conn_per_s,conn_p50_us,conn_p99_us,rt_per_s,rt_p50_us,rt_p99_us,rt_max_us,cpu_ms_per_1000_conn,cpu_ms_per_1000_rt,peak_pss_kib,peak_rss_kib,errors,idle,idle_served,idle_conn_per_s,idle_kept_pct,idle_peak_pss_kib,idle_errors,status" > csv
    for (i = 1; i <= ntitles; i++) {
        d = order[i]
        srv = server[d] == "" ? "—" : "`" server[d] "`"
        if (d in why_missing) {
            printf "| %s | %s | not here yet: %s | — | — | — | — | — | — | — | — | — |%s\n", title[d], srv, why_missing[d], (idle > 0 ? " — | — | — | — | — |" : "")
            print d "," csv_text(title[d]) "," csv_text(server[d]) ",,,,,,,,,,,,,,,,,,," csv_text("missing: " why_missing[d]) > csv
            continue
        }
        c_ops = median(d SUBSEP "connections" SUBSEP "ops"); c50 = median(d SUBSEP "connections" SUBSEP "p50")
        c99 = median(d SUBSEP "connections" SUBSEP "p99"); cpu = median(d SUBSEP "connections" SUBSEP "cpu")
        r_ops = median(d SUBSEP "round-trips" SUBSEP "ops"); r50 = median(d SUBSEP "round-trips" SUBSEP "p50")
        r99 = median(d SUBSEP "round-trips" SUBSEP "p99"); rmax = median(d SUBSEP "round-trips" SUBSEP "max"); rcpu = median(d SUBSEP "round-trips" SUBSEP "cpu")
        peak = peak_median(d, rep_pss, "pss"); peak_rss = peak_median(d, rep_rss, "rss")
        i_ops = median(d SUBSEP "idle" SUBSEP "ops"); i_peak = median(d SUBSEP "idle" SUBSEP "pss")
        i_served = median(d SUBSEP "idle" SUBSEP "served")
        kept = (i_ops != "" && c_ops > 0) ? 100 * i_ops / c_ops : ""
        conn_rate[d] = c_ops; cpu_per_conn[d] = cpu; kept_pct[d] = kept
        if (c_ops == "" && r_ops == "" && ((d, "connections") in note || (d, "round-trips") in note)) {
            why = (d, "connections") in note ? note[d, "connections"] : note[d, "round-trips"]
            printf "| %s | %s | did not run: %s | — | — | — | — | — | — | — | — | — |%s\n", title[d], srv, why, (idle > 0 ? " — | — | — | — | — |" : "")
            print d "," csv_text(title[d]) "," csv_text(server[d]) ",,,,,,,,,,,,,,,,,,," csv_text("failed: " why) > csv
            continue
        }
        printf "| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |", title[d], srv, rate(c_ops), latency(c50), latency(c99), rate(r_ops), latency(r50), latency(r99), latency(rmax), ms(cpu), mib(peak), error_text(d, "main")
        if (idle > 0 && d == "floor")
            printf " — | — | — | — | — |"
        else if (idle > 0)
            printf " %s | %s | %s | %s | %s |", rate(i_ops), kept == "" ? "—" : sprintf("%d%%", kept + 0.5), i_served == "" ? "—" : sprintf("%d/%d", i_served, idle), mib(i_peak), error_text(d, "idle")
        printf "\n"
        print d "," csv_text(title[d]) "," csv_text(server[d]) "," c_ops "," c50 "," c99 "," r_ops "," r50 "," r99 "," rmax "," cpu "," rcpu "," peak "," peak_rss "," errs[d, "main"] + 0 "," (idle > 0 && d != "floor" ? idle : "") "," i_served "," i_ops "," kept "," i_peak "," (idle > 0 && d != "floor" ? errs[d, "idle"] + 0 : "") ",measured" > csv
        printf "\"%s\" %s %s\n", d, (c_ops == "" ? "?" : c_ops), (r_ops == "" ? "?" : r_ops) > plot
    }

    printf "\nconn: a new connection per request (connect, send, read the echo, close); rt: round trips on a connection kept open. Latencies are per request: p50 and p99 over all requests of a run, max the slowest one. Server CPU is user+sys of the server and every process it started, per 1000 connections of the conn runs; peak memory is the largest sum of the proportional set size (Pss: a page shared by n processes counts 1/n) of the server and its processes, the CSV also has the resident set size (RSS).\n"
    first_note = 1
    for (i = 1; i <= ntitles; i++)
        for (m = 1; m <= 3; m++) {
            mode = m == 1 ? "connections" : m == 2 ? "round-trips" : "idle"
            if ((order[i], mode) in note) {
                if (first_note) { printf "\nWhat went wrong:\n\n"; first_note = 0 }
                printf "- %s, %s: %s\n", title[order[i]], mode, note[order[i], mode]
            }
        }

    printf "\nWhat to expect on a 2-core machine, from what each design creates per connection, and what this run shows (handouts/09-bench.md explains the lines that differ):\n\n"
    for (i = 1; i <= 3; i++) {
        d = i == 1 ? "select" : i == 2 ? "prefork" : "prethread"
        name = i == 1 ? "select" : i == 2 ? "prefork pool" : "prethreaded pool"
        why = i == 1 ? "it creates nothing per connection" : i == 2 ? "its processes exist before the first client" : "its threads exist before the first client"
        ratio = (conn_rate[d] != "" && conn_rate["fork"] > 0) ? conn_rate[d] / conn_rate["fork"] : ""
        expect(name ": at least 3 times the connection rate of fork per connection", why, ratio, 3, 1, sprintf("%.1f times", ratio))
    }
    ratio = (cpu_per_conn["prethread"] != "" && cpu_per_conn["thread"] > 0) ? cpu_per_conn["prethread"] / cpu_per_conn["thread"] : ""
    expect("prethreaded pool: at most half the server CPU per connection of thread per connection", "it reuses its threads instead of creating one per connection", ratio, 0.5, 0, sprintf("%.2f of it", ratio))
    why = "idle clients send nothing, so there is nothing to serve"
    if (idle >= 1000)
        expect("select: keeps at least 80% of its connection rate with " idle " idle connections", why, kept_pct["select"] == "" ? "" : kept_pct["select"] / 100, 0.8, 1, sprintf("%d%% kept", kept_pct["select"] + 0.5))
    else
        printf "- select: keeps at least 80%% of its connection rate with 1000 idle connections (%s): run with BENCH_IDLE=1000 to see it\n", why
}
