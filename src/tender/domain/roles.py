"""Dashboard roles and what each may do: one table, checked by every dashboard action.

Support staff answer customers: they see everything and can refund (and re-send a receipt).
Developers integrate: they see everything and manage API keys and webhooks. Owners can do all
of that, move money in every other way, create payment links and manage the team.
"""

from enum import StrEnum


class Role(StrEnum):
    OWNER = "owner"
    DEVELOPER = "developer"
    SUPPORT = "support"


class Permission(StrEnum):
    VIEW = "view"
    REFUND = "refund"
    SEND_RECEIPT = "send_receipt"
    CAPTURE = "capture"
    REVERSE = "reverse"
    CANCEL = "cancel"
    CREATE_PAYMENT_LINK = "create_payment_link"
    MANAGE_KEYS = "manage_keys"
    MANAGE_WEBHOOKS = "manage_webhooks"
    MANAGE_USERS = "manage_users"


_GRANTS: dict[Role, frozenset[Permission]] = {
    Role.OWNER: frozenset(Permission),
    Role.DEVELOPER: frozenset(
        {Permission.VIEW, Permission.MANAGE_KEYS, Permission.MANAGE_WEBHOOKS}
    ),
    Role.SUPPORT: frozenset({Permission.VIEW, Permission.REFUND, Permission.SEND_RECEIPT}),
}


def allows(role: str, permission: Permission) -> bool:
    """Whether ``role`` (a Role value) grants ``permission``; unknown roles grant nothing."""
    try:
        return permission in _GRANTS[Role(role)]
    except ValueError:
        return False
