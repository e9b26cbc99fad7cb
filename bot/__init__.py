"""youthvoice: consultations with young people over Telegram."""
