"""ledger: an event-sourced case ledger with an audit trail for municipal social-domain teams.

Map of the package (imports point down this list, never up):

- ``cli``, ``api``        interfaces: translate, call one application method, shape the result
- ``projections``         read models rebuilt from the ledger
- ``application``         the use cases (``CaseLedger``), one method per command
- ``privacy``             data keys, sealing of personal data (later: policy, access records, chain)
- ``aggregates``          the household, its events, values and rules (pure)

``bootstrap.build()`` is the one composition root; ``config.Settings`` the one place for settings.
"""
