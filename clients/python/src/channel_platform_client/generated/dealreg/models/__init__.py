"""Contains all the data models used in inputs/outputs"""

from .batch_in import BatchIn
from .batch_in_items_item import BatchInItemsItem
from .batch_out import BatchOut
from .batch_result import BatchResult
from .batch_result_error_type_0 import BatchResultErrorType0
from .close_in import CloseIn
from .close_in_outcome import CloseInOutcome
from .customer_in import CustomerIn
from .customer_out import CustomerOut
from .deal_create import DealCreate
from .deal_out import DealOut
from .deal_page import DealPage
from .deal_stage import DealStage
from .deal_status import DealStatus
from .decision_in import DecisionIn
from .decision_in_decision import DecisionInDecision
from .enrollment_out import EnrollmentOut
from .extend_in import ExtendIn
from .get_event_schema_event_type import GetEventSchemaEventType
from .get_event_schema_response_200 import GetEventSchemaResponse200
from .healthz_response_healthz import HealthzResponseHealthz
from .history_entry import HistoryEntry
from .history_entry_data import HistoryEntryData
from .history_page import HistoryPage
from .list_deals_stage_type_0 import ListDealsStageType0
from .list_deals_status_type_0 import ListDealsStatusType0
from .outcome import Outcome
from .partner_in import PartnerIn
from .partner_in_tier import PartnerInTier
from .partner_out import PartnerOut
from .policy_in import PolicyIn
from .policy_in_auto_approve_tiers_item import PolicyInAutoApproveTiersItem
from .policy_in_on_sla_breach import PolicyInOnSlaBreach
from .policy_out import PolicyOut
from .problem import Problem
from .problem_errors_item import ProblemErrorsItem
from .product_in import ProductIn
from .product_out import ProductOut
from .rep_in import RepIn
from .rep_out import RepOut
from .stage_in import StageIn
from .stage_in_stage import StageInStage

__all__ = (
    "BatchIn",
    "BatchInItemsItem",
    "BatchOut",
    "BatchResult",
    "BatchResultErrorType0",
    "CloseIn",
    "CloseInOutcome",
    "CustomerIn",
    "CustomerOut",
    "DealCreate",
    "DealOut",
    "DealPage",
    "DealStage",
    "DealStatus",
    "DecisionIn",
    "DecisionInDecision",
    "EnrollmentOut",
    "ExtendIn",
    "GetEventSchemaEventType",
    "GetEventSchemaResponse200",
    "HealthzResponseHealthz",
    "HistoryEntry",
    "HistoryEntryData",
    "HistoryPage",
    "ListDealsStageType0",
    "ListDealsStatusType0",
    "Outcome",
    "PartnerIn",
    "PartnerInTier",
    "PartnerOut",
    "PolicyIn",
    "PolicyInAutoApproveTiersItem",
    "PolicyInOnSlaBreach",
    "PolicyOut",
    "Problem",
    "ProblemErrorsItem",
    "ProductIn",
    "ProductOut",
    "RepIn",
    "RepOut",
    "StageIn",
    "StageInStage",
)
