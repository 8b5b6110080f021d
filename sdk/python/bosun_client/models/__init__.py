""" Contains all the data models used in inputs/outputs """

from .agent_page import AgentPage
from .agent_registered import AgentRegistered
from .agent_view import AgentView
from .agent_view_metadata import AgentViewMetadata
from .alert_list import AlertList
from .alert_rules_body import AlertRulesBody
from .alert_rules_body_rules_item import AlertRulesBodyRulesItem
from .alert_rules_view import AlertRulesView
from .alert_rules_view_builtin_item import AlertRulesViewBuiltinItem
from .alert_rules_view_rules_item import AlertRulesViewRulesItem
from .alert_view import AlertView
from .amount_body import AmountBody
from .approval_body import ApprovalBody
from .approval_body_factors import ApprovalBodyFactors
from .approval_list import ApprovalList
from .approval_view import ApprovalView
from .audit_page import AuditPage
from .audit_page_items_item import AuditPageItemsItem
from .authorize_body import AuthorizeBody
from .authorize_view import AuthorizeView
from .batch_body import BatchBody
from .budget_body import BudgetBody
from .budget_list import BudgetList
from .budget_standing import BudgetStanding
from .budget_usage import BudgetUsage
from .budget_view import BudgetView
from .budgets_body import BudgetsBody
from .cancel_body import CancelBody
from .cancel_run_body import CancelRunBody
from .claim_body import ClaimBody
from .claim_view import ClaimView
from .complete_body import CompleteBody
from .create_key_body import CreateKeyBody
from .create_tenant_body import CreateTenantBody
from .create_user_body import CreateUserBody
from .create_user_body_metadata import CreateUserBodyMetadata
from .decision_body import DecisionBody
from .delivery_list import DeliveryList
from .delivery_view import DeliveryView
from .egress_body import EgressBody
from .egress_lists_view import EgressListsView
from .egress_log import EgressLog
from .egress_log_entry import EgressLogEntry
from .egress_view import EgressView
from .embeddings_body import EmbeddingsBody
from .embeddings_view import EmbeddingsView
from .erase_body import EraseBody
from .erased_view import ErasedView
from .evidence_response_200 import EvidenceResponse200
from .fail_body import FailBody
from .flip_view import FlipView
from .gate_key import GateKey
from .gate_keys import GateKeys
from .governance_settings_view import GovernanceSettingsView
from .guardrail_body import GuardrailBody
from .guardrail_verdict import GuardrailVerdict
from .guardrail_violation_view import GuardrailViolationView
from .handoff_body import HandoffBody
from .handoff_list import HandoffList
from .handoff_view import HandoffView
from .heartbeat_body import HeartbeatBody
from .inbox import Inbox
from .inbox_item import InboxItem
from .key_view import KeyView
from .limits_view import LimitsView
from .lock_list import LockList
from .lock_view import LockView
from .locks_body import LocksBody
from .memory_list import MemoryList
from .memory_settings_body import MemorySettingsBody
from .memory_settings_view import MemorySettingsView
from .memory_view import MemoryView
from .message_fields import MessageFields
from .message_list import MessageList
from .message_page import MessagePage
from .message_view import MessageView
from .password_body import PasswordBody
from .password_set_view import PasswordSetView
from .permissions_view import PermissionsView
from .policy_document_view import PolicyDocumentView
from .policy_ids import PolicyIds
from .policy_ref import PolicyRef
from .policy_version_list import PolicyVersionList
from .policy_version_view import PolicyVersionView
from .problem import Problem
from .problem_budget_type_0 import ProblemBudgetType0
from .problem_conflicts_type_0_item import ProblemConflictsType0Item
from .profile_list import ProfileList
from .profile_view import ProfileView
from .put_policies_body import PutPoliciesBody
from .recall_view import RecallView
from .recalled_view import RecalledView
from .recipient_view import RecipientView
from .redeem_body import RedeemBody
from .register_agent_body import RegisterAgentBody
from .register_agent_body_metadata import RegisterAgentBodyMetadata
from .release_body import ReleaseBody
from .relevance_parts import RelevanceParts
from .remember_body import RememberBody
from .remembered_view import RememberedView
from .renew_body import RenewBody
from .replay_body import ReplayBody
from .replay_view import ReplayView
from .reservation_view import ReservationView
from .reserve_body import ReserveBody
from .risk_contribution import RiskContribution
from .rollback_body import RollbackBody
from .rule_body import RuleBody
from .rules_body import RulesBody
from .rules_view import RulesView
from .send_body import SendBody
from .set_profile_body import SetProfileBody
from .settings_body import SettingsBody
from .sign_in_link_view import SignInLinkView
from .start_run_body import StartRunBody
from .start_run_body_params import StartRunBodyParams
from .subject_body import SubjectBody
from .subject_type import SubjectType
from .submit_task_body import SubmitTaskBody
from .task_batch import TaskBatch
from .task_heartbeat_body import TaskHeartbeatBody
from .task_page import TaskPage
from .task_view import TaskView
from .tenant_created import TenantCreated
from .tenant_list import TenantList
from .tenant_view import TenantView
from .usage_body import UsageBody
from .usage_view import UsageView
from .user_page import UserPage
from .user_view import UserView
from .user_view_metadata import UserViewMetadata
from .validate_policies_body import ValidatePoliciesBody
from .webhook_body import WebhookBody
from .webhook_list import WebhookList
from .webhook_view import WebhookView
from .who_am_i import WhoAmI
from .workflow_param_view import WorkflowParamView
from .workflow_run_list import WorkflowRunList
from .workflow_run_summary import WorkflowRunSummary
from .workflow_run_view import WorkflowRunView
from .workflow_run_view_params import WorkflowRunViewParams
from .workflow_step_view import WorkflowStepView
from .workflow_task_view import WorkflowTaskView
from .workflow_template_list import WorkflowTemplateList
from .workflow_template_stored import WorkflowTemplateStored
from .workflow_template_view import WorkflowTemplateView
from .workflow_text_body import WorkflowTextBody

__all__ = (
    "AgentPage",
    "AgentRegistered",
    "AgentView",
    "AgentViewMetadata",
    "AlertList",
    "AlertRulesBody",
    "AlertRulesBodyRulesItem",
    "AlertRulesView",
    "AlertRulesViewBuiltinItem",
    "AlertRulesViewRulesItem",
    "AlertView",
    "AmountBody",
    "ApprovalBody",
    "ApprovalBodyFactors",
    "ApprovalList",
    "ApprovalView",
    "AuditPage",
    "AuditPageItemsItem",
    "AuthorizeBody",
    "AuthorizeView",
    "BatchBody",
    "BudgetBody",
    "BudgetList",
    "BudgetsBody",
    "BudgetStanding",
    "BudgetUsage",
    "BudgetView",
    "CancelBody",
    "CancelRunBody",
    "ClaimBody",
    "ClaimView",
    "CompleteBody",
    "CreateKeyBody",
    "CreateTenantBody",
    "CreateUserBody",
    "CreateUserBodyMetadata",
    "DecisionBody",
    "DeliveryList",
    "DeliveryView",
    "EgressBody",
    "EgressListsView",
    "EgressLog",
    "EgressLogEntry",
    "EgressView",
    "EmbeddingsBody",
    "EmbeddingsView",
    "EraseBody",
    "ErasedView",
    "EvidenceResponse200",
    "FailBody",
    "FlipView",
    "GateKey",
    "GateKeys",
    "GovernanceSettingsView",
    "GuardrailBody",
    "GuardrailVerdict",
    "GuardrailViolationView",
    "HandoffBody",
    "HandoffList",
    "HandoffView",
    "HeartbeatBody",
    "Inbox",
    "InboxItem",
    "KeyView",
    "LimitsView",
    "LockList",
    "LocksBody",
    "LockView",
    "MemoryList",
    "MemorySettingsBody",
    "MemorySettingsView",
    "MemoryView",
    "MessageFields",
    "MessageList",
    "MessagePage",
    "MessageView",
    "PasswordBody",
    "PasswordSetView",
    "PermissionsView",
    "PolicyDocumentView",
    "PolicyIds",
    "PolicyRef",
    "PolicyVersionList",
    "PolicyVersionView",
    "Problem",
    "ProblemBudgetType0",
    "ProblemConflictsType0Item",
    "ProfileList",
    "ProfileView",
    "PutPoliciesBody",
    "RecalledView",
    "RecallView",
    "RecipientView",
    "RedeemBody",
    "RegisterAgentBody",
    "RegisterAgentBodyMetadata",
    "ReleaseBody",
    "RelevanceParts",
    "RememberBody",
    "RememberedView",
    "RenewBody",
    "ReplayBody",
    "ReplayView",
    "ReservationView",
    "ReserveBody",
    "RiskContribution",
    "RollbackBody",
    "RuleBody",
    "RulesBody",
    "RulesView",
    "SendBody",
    "SetProfileBody",
    "SettingsBody",
    "SignInLinkView",
    "StartRunBody",
    "StartRunBodyParams",
    "SubjectBody",
    "SubjectType",
    "SubmitTaskBody",
    "TaskBatch",
    "TaskHeartbeatBody",
    "TaskPage",
    "TaskView",
    "TenantCreated",
    "TenantList",
    "TenantView",
    "UsageBody",
    "UsageView",
    "UserPage",
    "UserView",
    "UserViewMetadata",
    "ValidatePoliciesBody",
    "WebhookBody",
    "WebhookList",
    "WebhookView",
    "WhoAmI",
    "WorkflowParamView",
    "WorkflowRunList",
    "WorkflowRunSummary",
    "WorkflowRunView",
    "WorkflowRunViewParams",
    "WorkflowStepView",
    "WorkflowTaskView",
    "WorkflowTemplateList",
    "WorkflowTemplateStored",
    "WorkflowTemplateView",
    "WorkflowTextBody",
)
