"""The only place that knows the order of the stages: one build path for build, serve,
publish and handover, the per-client lock, clients built in parallel. Writes `build/` through
`write` only; prints nothing but the line saying a run waits for another's lock."""
