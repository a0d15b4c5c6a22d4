-- wrk script: prints throughput and latency percentiles as one JSON line.
done = function(summary, latency, requests)
  local segundos = summary.duration / 1e6
  io.write(string.format(
    '{"rps": %.1f, "p50_ms": %.2f, "p95_ms": %.2f, "errores": %d, "peticiones": %d}\n',
    summary.requests / segundos, latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    summary.requests))
end
