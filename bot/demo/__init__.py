"""`gridbot demo`: the whole product on one machine, and the demo street it seeds."""
