"""The durable intake: every update Telegram sends is written to SQLite before Telegram is told
it arrived, then handled from there, each person's in order and different people's side by side.

- `inbox.py`: the inbox and quarantine in the database (what is stored, handled, set aside);
- `polling.py`: fetching updates with getUpdates and confirming only what the inbox holds;
- `webhook.py`: receiving them at a webhook, answering 200 only once the inbox holds them;
- `lanes.py`: handling what the inbox holds through python-telegram-bot's handlers;
- `intake.py`: the whole, started and stopped with the bot;
- `health.py`: `python -m bot health`, from the database alone.
"""
