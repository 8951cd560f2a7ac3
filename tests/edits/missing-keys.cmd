$ mapsite set plans/missing-keys.md "project plan" --status "in progress" --due 2026-12-04 --owner "Olivia Grant" --owner "Jorge Alvarez" --note "RACI draft shared with Jorge." --today 2026-11-23
plans/missing-keys.md: 1.1 'Agree the project plan and RACI' -> status in progress; due Fri 4 Dec; owner Olivia Grant, Jorge Alvarez; notes 'RACI draft shared with Jorge.'
