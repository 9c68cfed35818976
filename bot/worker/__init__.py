"""The worker process: its runtime, the schedule (dispatch, outbox hand-off, sweeps) and the delivery jobs."""
