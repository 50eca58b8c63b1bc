-- wrk reporter: one JSON line the benchmark reads (wrk's own summary has no 95th percentile).
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'BENCH {"requests": %d, "duration_us": %d, "p50_us": %d, "p95_us": %d, "mean_us": %f, "errors": %d, "non2xx": %d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(95), latency.mean,
    e.connect + e.read + e.write + e.timeout, e.status))
end
