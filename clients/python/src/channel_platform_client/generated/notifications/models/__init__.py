"""Contains all the data models used in inputs/outputs"""

from .customer_ref import CustomerRef
from .deal_approval_overdue_webhook import DealApprovalOverdueWebhook
from .deal_approved_webhook import DealApprovedWebhook
from .deal_closed_webhook import DealClosedWebhook
from .deal_event_data import DealEventData
from .deal_expired_webhook import DealExpiredWebhook
from .deal_extended_webhook import DealExtendedWebhook
from .deal_registered_webhook import DealRegisteredWebhook
from .deal_rejected_webhook import DealRejectedWebhook
from .deal_stage import DealStage
from .deal_status import DealStatus
from .delivery_out import DeliveryOut
from .healthz_response_healthz import HealthzResponseHealthz
from .list_deliveries_status_type_0 import ListDeliveriesStatusType0
from .list_subscriptions_status_type_0 import ListSubscriptionsStatusType0
from .outcome import Outcome
from .owner_out import OwnerOut
from .page_delivery_out import PageDeliveryOut
from .page_subscription_out import PageSubscriptionOut
from .partner_ref import PartnerRef
from .payout_created_data import PayoutCreatedData
from .payout_created_webhook import PayoutCreatedWebhook
from .pipeline_at_risk_webhook import PipelineAtRiskWebhook
from .pipeline_figures_data import PipelineFiguresData
from .pipeline_figures_data_figures import PipelineFiguresDataFigures
from .pipeline_updated_webhook import PipelineUpdatedWebhook
from .problem import Problem
from .problem_errors_item import ProblemErrorsItem
from .product_line import ProductLine
from .rep_ref import RepRef
from .replay_out import ReplayOut
from .replay_request import ReplayRequest
from .reward_clawed_back_webhook import RewardClawedBackWebhook
from .reward_data import RewardData
from .reward_data_kind import RewardDataKind
from .reward_earned_webhook import RewardEarnedWebhook
from .stage_advanced_webhook import StageAdvancedWebhook
from .subscription_create import SubscriptionCreate
from .subscription_create_event_types_item import SubscriptionCreateEventTypesItem
from .subscription_out import SubscriptionOut
from .subscription_with_secret import SubscriptionWithSecret

__all__ = (
    "CustomerRef",
    "DealApprovalOverdueWebhook",
    "DealApprovedWebhook",
    "DealClosedWebhook",
    "DealEventData",
    "DealExpiredWebhook",
    "DealExtendedWebhook",
    "DealRegisteredWebhook",
    "DealRejectedWebhook",
    "DealStage",
    "DealStatus",
    "DeliveryOut",
    "HealthzResponseHealthz",
    "ListDeliveriesStatusType0",
    "ListSubscriptionsStatusType0",
    "Outcome",
    "OwnerOut",
    "PageDeliveryOut",
    "PageSubscriptionOut",
    "PartnerRef",
    "PayoutCreatedData",
    "PayoutCreatedWebhook",
    "PipelineAtRiskWebhook",
    "PipelineFiguresData",
    "PipelineFiguresDataFigures",
    "PipelineUpdatedWebhook",
    "Problem",
    "ProblemErrorsItem",
    "ProductLine",
    "ReplayOut",
    "ReplayRequest",
    "RepRef",
    "RewardClawedBackWebhook",
    "RewardData",
    "RewardDataKind",
    "RewardEarnedWebhook",
    "StageAdvancedWebhook",
    "SubscriptionCreate",
    "SubscriptionCreateEventTypesItem",
    "SubscriptionOut",
    "SubscriptionWithSecret",
)
