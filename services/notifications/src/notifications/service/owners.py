"""Who owns a subscription: the token's tenant, and who may see it afterwards."""

from __future__ import annotations

from notifications.domain.model import Subscription
from notifications.domain.routing import OwnerRole, SubscriptionOwner
from servicekit.principal import Principal, Role


def owner_key(principal: Principal) -> str:
    """The tenancy a subscription belongs to; aggregators and admins are known by their sub."""
    match principal.role:
        case Role.VENDOR:
            return f"vendor:{principal.vendor_id}"
        case Role.PARTNER:
            return f"partner:{principal.partner_id}"
        case Role.AGGREGATOR:
            return f"aggregator:{principal.sub}"
        case Role.ADMIN:
            return f"admin:{principal.sub}"


def visible_owner_key(principal: Principal) -> str | None:
    """Whose subscriptions a list shows: the caller's tenancy's, or everyone's (None) for admins."""
    return None if principal.is_admin else owner_key(principal)


def owner_of(principal: Principal) -> SubscriptionOwner:
    return SubscriptionOwner(
        role=OwnerRole(principal.role.value),
        vendor_id=principal.vendor_id,
        partner_id=principal.partner_id,
        partner_ids=principal.partner_ids,
    )


def may_manage(principal: Principal, subscription: Subscription) -> bool:
    """Admins see every subscription; everyone else only their own tenancy's."""
    return principal.is_admin or subscription.owner_key == owner_key(principal)
