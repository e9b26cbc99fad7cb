"""A fake Telegram Bot API server and drivers for end-to-end tests of the bot.

Typical use::

    async with FakeTelegram() as fake:
        app = configure_builder(ApplicationBuilder(), fake).build()
        ...  # add the bot's handlers
        sam = fake.user(1001, "Sam", "sam_k")
        async with polling(app):
            replies = await sam.send("/start")
            await sam.press("Yes")
"""

from .driver import Group, User
from .harness import TrackedApplication, configure_builder, polling, tracked_application_class
from .server import ApiError, Call, CallbackAnswer, FakeTelegram, FloodControl, SentMessage, StoredFile

__all__ = [
    "ApiError",
    "Call",
    "CallbackAnswer",
    "FakeTelegram",
    "FloodControl",
    "Group",
    "SentMessage",
    "StoredFile",
    "TrackedApplication",
    "User",
    "configure_builder",
    "polling",
    "tracked_application_class",
]
