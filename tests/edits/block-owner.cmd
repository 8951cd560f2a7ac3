$ mapsite set plans/block-owner.md hierarchy --owner "Grace Liu" --owner "Ravi Shah" --owner "Ben Adeyemi" --today 2026-11-23
plans/block-owner.md: 1.1 'Map the EMEA sales hierarchy' -> owner Grace Liu, Ravi Shah, Ben Adeyemi
$ mapsite set plans/block-owner.md scope --owner "Sofia Marino" --note "Scope as in the order form: 120 seats in EMEA." --today 2026-11-23
plans/block-owner.md: 1.2 'Sign off the expansion scope' -> owner Sofia Marino; notes 'Scope as in the order form: 120 seats…'
$ mapsite set plans/block-owner.md 1.2 --owner "Sofia Marino" --today 2026-11-24
plans/block-owner.md: 1.2 'Sign off the expansion scope' nothing to change: owner already Sofia Marino
$ mapsite set plans/block-owner.md 1.1 --owner "Ben Adeyemi" --today 2026-11-24
plans/block-owner.md: 1.1 'Map the EMEA sales hierarchy' -> owner Ben Adeyemi
