"""Request bodies of the webhook endpoints (spec §5.1) and of the receipt call (spec §2.5).

Event names and URLs are checked in the use cases, which know the catalogue and whether the
account is sandbox or production.
"""

from typing import Annotated

from pydantic import Field, StringConstraints

from tender.service.inputs import WireModel

EventName = Annotated[str, StringConstraints(min_length=1, max_length=64, strict=True)]
Url = Annotated[str, StringConstraints(min_length=1, max_length=2048, strict=True)]
Description = Annotated[str, StringConstraints(max_length=500, strict=True)]
Email = Annotated[
    str, StringConstraints(max_length=254, pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$", strict=True)
]


class CreateWebhook(WireModel):
    events: Annotated[list[EventName], Field(min_length=1, max_length=50)]
    url: Url = Field(description="https:// URL (sandbox: http://127.0.0.1/… allowed too)")
    description: Description | None = None


class UpdateWebhook(WireModel):
    events: Annotated[list[EventName], Field(min_length=1, max_length=50)] | None = None
    url: Url | None = None
    description: Description | None = None


class SendReceipt(WireModel):
    emails: Annotated[list[Email], Field(min_length=1, max_length=10)]
