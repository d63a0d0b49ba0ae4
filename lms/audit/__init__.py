"""The audit trail: who assigned, revoked, invited, hired, erased or created tokens."""
