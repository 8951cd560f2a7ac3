$ mapsite done plans/flow.md 1.1 1.2 hubspot --today 2026-11-23
plans/flow.md: 1.1 'Send the order form' -> done
plans/flow.md: 1.2 'Sign the order form in DocuSign' -> done
plans/flow.md: 2.1 'Connect HubSpot and import the open…' -> done
$ mapsite set plans/flow.md 2.1 "train sellers" --owner "Hannah Kim" --owner "Jordan Lee" --due "go_live - 1w" --today 2026-11-24
plans/flow.md: 2.1 'Connect HubSpot and import the open…' -> due go_live - 1w (Fri 8 Jan 2027); owner Hannah Kim, Jordan Lee
plans/flow.md: 2.2 'Train all 20 sellers' -> due go_live - 1w (Fri 8 Jan 2027); owner Hannah Kim, Jordan Lee
