$ mapsite set plans/quoted.md pilot --status done --due 2026-11-27 --owner "Jordan Lee" --note "Result: 94% of the commit, see #pilot-results" --today 2026-11-23
plans/quoted.md: 1.1 'Run a two-week pilot with the West…' -> status done; due Fri 27 Nov; owner Jordan Lee; notes 'Result: 94% of the commit, see…'
