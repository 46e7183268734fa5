"""Contains all the data models used in inputs/outputs"""

from .activity_out import ActivityOut
from .get_event_schema_event_type import GetEventSchemaEventType
from .get_event_schema_response_200 import GetEventSchemaResponse200
from .get_rollups_by import GetRollupsBy
from .get_scorecards_sort import GetScorecardsSort
from .healthz_response_healthz import HealthzResponseHealthz
from .lead_waterfall_in import LeadWaterfallIn
from .lead_waterfall_out import LeadWaterfallOut
from .metric_weights import MetricWeights
from .other_currency_out import OtherCurrencyOut
from .partner_activity_out import PartnerActivityOut
from .partner_pipeline_out import PartnerPipelineOut
from .partner_pipeline_out_other_currencies import PartnerPipelineOutOtherCurrencies
from .peer_out import PeerOut
from .plan_in import PlanIn
from .plan_out import PlanOut
from .policy_in import PolicyIn
from .policy_in_stage_probabilities import PolicyInStageProbabilities
from .policy_out import PolicyOut
from .policy_out_stage_probabilities import PolicyOutStageProbabilities
from .problem import Problem
from .problem_errors_item import ProblemErrorsItem
from .rollup_group_out import RollupGroupOut
from .rollup_group_out_other_currencies import RollupGroupOutOtherCurrencies
from .rollup_group_out_other_plans import RollupGroupOutOtherPlans
from .rollups_out import RollupsOut
from .scorecard_out import ScorecardOut
from .scorecard_out_other_rewards import ScorecardOutOtherRewards
from .scorecard_out_peer import ScorecardOutPeer
from .scorecards_out import ScorecardsOut
from .weights_in import WeightsIn
from .weights_out import WeightsOut
from .weights_out_weights import WeightsOutWeights

__all__ = (
    "ActivityOut",
    "GetEventSchemaEventType",
    "GetEventSchemaResponse200",
    "GetRollupsBy",
    "GetScorecardsSort",
    "HealthzResponseHealthz",
    "LeadWaterfallIn",
    "LeadWaterfallOut",
    "MetricWeights",
    "OtherCurrencyOut",
    "PartnerActivityOut",
    "PartnerPipelineOut",
    "PartnerPipelineOutOtherCurrencies",
    "PeerOut",
    "PlanIn",
    "PlanOut",
    "PolicyIn",
    "PolicyInStageProbabilities",
    "PolicyOut",
    "PolicyOutStageProbabilities",
    "Problem",
    "ProblemErrorsItem",
    "RollupGroupOut",
    "RollupGroupOutOtherCurrencies",
    "RollupGroupOutOtherPlans",
    "RollupsOut",
    "ScorecardOut",
    "ScorecardOutOtherRewards",
    "ScorecardOutPeer",
    "ScorecardsOut",
    "WeightsIn",
    "WeightsOut",
    "WeightsOutWeights",
)
