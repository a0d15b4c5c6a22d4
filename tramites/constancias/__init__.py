"""The constancia de notificación: a signed record of how a notice with
legal effect reached the citizen (deposit, alerts and their delivery, first
opening, legal notification date)."""
