$ mapsite set plans/multiline-plain.md budget --status "in progress" --note "The budget call is on December 10." --today 2026-11-23
plans/multiline-plain.md: 1.1 'Approve the renewal budget' -> status in progress; notes 'The budget call is on December 10.'
$ mapsite done plans/multiline-plain.md budget --today 2026-11-23
plans/multiline-plain.md: 1.1 'Approve the renewal budget' -> done
