"""Access: the roles and their reach (roles.py), who has which role (users.py),
the audit trail (audit.py), and the gate every read of records goes through
(gate.py). No Streamlit."""
