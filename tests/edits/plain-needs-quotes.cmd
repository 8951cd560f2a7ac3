$ mapsite set plans/plain-needs-quotes.md 1.1 --status "In Progress" --owner yes --owner "Lee: Ops" --note "Waiting on #42 - see 'pilot' @Mia" --today 2026-11-23
plans/plain-needs-quotes.md: 1.1 'Run a two-week pilot with the West…' -> status in progress; owner yes, Lee: Ops; notes 'Waiting on #42 - see 'pilot' @Mia'
