"""Mutation testing of the flows: each platform's replayed pages, changed the way real sites
change, and every run judged by the replay server's own record.

    operators.py  the operators (what each does, to which control kinds, and which outcomes it
                  allows), a `Mutant` (a seeded draw of a few), and its replay `Mutation`
    mutate.js     the page script that applies them to the rendered DOM
    runner.py     runs mutants (status, dry run, apply) and checks the invariants
    cli.py        scripts/fuzz: thousands of mutants, a table per platform
"""
