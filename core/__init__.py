"""The work itself, without Qt: one package per stage of the budget cycle (org, goals, library, review, exante,
monitoring, evaluation, results, statistics, fiscal), the exchange and demo on top, and `common` beneath them all.
Each stage holds its pure rules (`rules`), its use cases and its report builders."""
