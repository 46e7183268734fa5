"""Contains all the data models used in inputs/outputs"""

from .currency_figures import CurrencyFigures
from .currency_figures_by_kind import CurrencyFiguresByKind
from .deal_earnings_out import DealEarningsOut
from .deal_rewards_out import DealRewardsOut
from .earnings_out import EarningsOut
from .earnings_out_by_currency import EarningsOutByCurrency
from .earnings_out_by_kind_type_0 import EarningsOutByKindType0
from .entry_out import EntryOut
from .forecast_in import ForecastIn
from .forecast_in_stage_reach_rates import ForecastInStageReachRates
from .forecast_in_tier_mix import ForecastInTierMix
from .get_event_schema_event_type import GetEventSchemaEventType
from .get_event_schema_response_200 import GetEventSchemaResponse200
from .healthz_response_healthz import HealthzResponseHealthz
from .ledger_page import LedgerPage
from .payout_create import PayoutCreate
from .payout_line_out import PayoutLineOut
from .payout_out import PayoutOut
from .payout_out_totals import PayoutOutTotals
from .payout_summary import PayoutSummary
from .payouts_out import PayoutsOut
from .payouts_out_totals import PayoutsOutTotals
from .policy_out import PolicyOut
from .problem import Problem
from .problem_errors_item import ProblemErrorsItem
from .program_create import ProgramCreate
from .program_create_pay_registration_on import ProgramCreatePayRegistrationOn
from .program_create_stage_bonuses import ProgramCreateStageBonuses
from .program_create_tier_multipliers import ProgramCreateTierMultipliers
from .program_out import ProgramOut
from .program_out_stage_bonuses import ProgramOutStageBonuses
from .program_out_tier_multipliers import ProgramOutTierMultipliers
from .program_page import ProgramPage
from .program_update import ProgramUpdate
from .proposal_create import ProposalCreate
from .proposal_decision import ProposalDecision
from .proposal_decision_decision import ProposalDecisionDecision
from .proposal_out import ProposalOut
from .proposal_out_forecast import ProposalOutForecast
from .proposal_out_gate_type_0 import ProposalOutGateType0
from .proposal_out_program import ProposalOutProgram
from .proposal_out_simulation import ProposalOutSimulation
from .simulate_request import SimulateRequest
from .simulation_out import SimulationOut
from .vendor_policy import VendorPolicy

__all__ = (
    "CurrencyFigures",
    "CurrencyFiguresByKind",
    "DealEarningsOut",
    "DealRewardsOut",
    "EarningsOut",
    "EarningsOutByCurrency",
    "EarningsOutByKindType0",
    "EntryOut",
    "ForecastIn",
    "ForecastInStageReachRates",
    "ForecastInTierMix",
    "GetEventSchemaEventType",
    "GetEventSchemaResponse200",
    "HealthzResponseHealthz",
    "LedgerPage",
    "PayoutCreate",
    "PayoutLineOut",
    "PayoutOut",
    "PayoutOutTotals",
    "PayoutsOut",
    "PayoutsOutTotals",
    "PayoutSummary",
    "PolicyOut",
    "Problem",
    "ProblemErrorsItem",
    "ProgramCreate",
    "ProgramCreatePayRegistrationOn",
    "ProgramCreateStageBonuses",
    "ProgramCreateTierMultipliers",
    "ProgramOut",
    "ProgramOutStageBonuses",
    "ProgramOutTierMultipliers",
    "ProgramPage",
    "ProgramUpdate",
    "ProposalCreate",
    "ProposalDecision",
    "ProposalDecisionDecision",
    "ProposalOut",
    "ProposalOutForecast",
    "ProposalOutGateType0",
    "ProposalOutProgram",
    "ProposalOutSimulation",
    "SimulateRequest",
    "SimulationOut",
    "VendorPolicy",
)
