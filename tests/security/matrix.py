"""What every route answers each actor: the table the route matrix checks.

One entry per URL pattern of both URLconfs, keyed "<urlconf> /<pattern>" ("organisation" for an
organisation's own host, "base" for the base domain). An entry names, for each kind of host the
route is used on, the roles that get through (and how), and any actor answered otherwise. Everyone
not named is refused. The defaults for the three actors who are not members there:

- pages: anonymous -> sent to sign in; a member of another organisation -> 403; a session that has
  not passed the second factor (with CAIRN_REQUIRE_2FA on) -> sent to /two-factor/ on the base domain;
- APIs (/api/, /exchange/api/, /ctf/api/, /graphql/): a 403 for all three, never a redirect.

Outcome classes: "ok" (2xx), "redirect" (3xx elsewhere), "redirect-sign-in", "redirect-two-factor",
"invalid" (400: an empty POST by someone allowed), "unauthenticated" (401), "forbidden" (403),
"not-found" (404, which hides that the thing exists), "method" (405).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tests.security.scene import LA_ROLES, SCHOOL_ROLES, TRUST_ROLES

OUTSIDERS = ("anonymous", "non_member", "unverified")
ROLES_AT = {"school": SCHOOL_ROLES, "la": LA_ROLES, "trust": TRUST_ROLES, "platform": ("operator",)}
ACTORS_AT = {kind: OUTSIDERS + tuple(roles) for kind, roles in ROLES_AT.items()}

# Whose personal API token the "token" actor presents on each kind of host (tests/security/conftest.py).
TOKEN_HOLDERS = {"school": "senco", "la": "caseworker", "trust": "send_lead"}

PAGE_OUTSIDERS = {"anonymous": "redirect-sign-in", "non_member": "forbidden", "unverified": "redirect-two-factor"}
API_OUTSIDERS = {"anonymous": "forbidden", "non_member": "forbidden", "unverified": "forbidden"}

# Which scene object fills each path parameter, unless an entry says otherwise.
PARAMETERS = {
    "pupil_id": "pupil",
    "plan_id": "plan",
    "review_id": "review",
    "need_id": "need",
    "diagnosis_id": "diagnosis",
    "concern_id": "concern",
    "entry_id": "entry",
    "notification_id": "notification",
    "outcome_id": "outcome",
    "item_id": "provision_item",
    "assessment_id": "assessment",
    "involvement_id": "involvement",
    "consent_id": "consent",
    "meeting_id": "meeting",
    "condition_id": "medical",
    "document_id": "document",
    "class_id": "school_class",
    "user_id": "class_staff",
    "parent_id": "parent",
    "number": "plan_version",
    "group_id": "group",
    "member_id": "group_member",
    "intervention_id": "intervention",
    "envelope_id": "request_envelope",
    "token": "download_token",
    "grant_id": "grant",
    "request_id": "ehc_request",
    "case_id": "case",
    "advice_id": "advice",
    "version": "case_plan_version",
    "message_id": "request_envelope",
    "reminder_id": "school_reminder",
    "token_id": "reporting_key",
    "slug": "slug",
    "table": "table",
}


@dataclass(frozen=True)
class Allow:
    roles: tuple[str, ...]
    ok: str = "ok"
    refused: str = "forbidden"
    odd: dict[str, str] = field(default_factory=dict)


def allow(*roles: str, ok: str = "ok", refused: str = "forbidden", odd: dict[str, str] | None = None) -> Allow:
    return Allow(roles, ok, refused, odd or {})


@dataclass(frozen=True)
class Entry:
    surface: str  # "page" or "api"
    hosts: dict[str, Allow]
    method: str = "GET"
    # Parameter name -> scene object, where the default (PARAMETERS) is not the one; per host if needed.
    params: dict[str, str] = field(default_factory=dict)
    host_params: dict[str, dict[str, str]] = field(default_factory=dict)

    def expected(self, host: str, actor: str) -> str:
        rule = self.hosts[host]
        if actor in rule.odd:
            return rule.odd[actor]
        if actor == "token":
            # A personal token answers exactly as its holder's signed-in session does.
            return self.expected(host, TOKEN_HOLDERS[host])
        if actor in OUTSIDERS:
            return (API_OUTSIDERS if self.surface == "api" else PAGE_OUTSIDERS)[actor]
        return rule.ok if actor in rule.roles else rule.refused

    def parameter(self, host: str, name: str) -> str:
        return self.host_params.get(host, {}).get(name) or self.params.get(name) or PARAMETERS[name]


def page(method: str = "GET", params: dict | None = None, host_params: dict | None = None, **hosts: Allow) -> Entry:
    return Entry("page", hosts, method, params or {}, host_params or {})


def api(method: str = "GET", params: dict | None = None, host_params: dict | None = None, **hosts: Allow) -> Entry:
    return Entry("api", hosts, method, params or {}, host_params or {})


SENCO_HEAD = ("senco", "headteacher")
RECORD_READERS = ("senco", "headteacher", "teacher", "teaching_assistant")
FIGURES = ("senco", "headteacher", "business_manager", "governor")
EVERY_SCHOOL_ROLE = tuple(sorted(SCHOOL_ROLES))
OFFICE = ("senco", "headteacher", "school_admin")


TABLE: dict[str, Entry] = {
    # organisation-home
    "organisation /": page(
        school=allow(*EVERY_SCHOOL_ROLE), la=allow("caseworker", "sen_manager"), trust=allow("send_lead")
    ),
    # handoff
    "organisation /auth/handoff/": page(
        school=allow(odd={"anonymous": "forbidden", "unverified": "forbidden"}), method="POST"
    ),
    # sign-out
    "organisation /sign-out/": page(
        school=allow(
            refused="redirect-sign-in", odd={"non_member": "redirect-sign-in", "unverified": "redirect-sign-in"}
        ),
        method="POST",
    ),
    # staff
    "organisation /staff/": page(
        school=allow(*EVERY_SCHOOL_ROLE), la=allow("caseworker", "sen_manager"), trust=allow("send_lead")
    ),
    # favicon
    "organisation /favicon.ico": page(
        school=allow(*EVERY_SCHOOL_ROLE, odd={"anonymous": "ok", "non_member": "ok", "unverified": "ok"}),
        la=allow("caseworker", "sen_manager", odd={"anonymous": "ok", "non_member": "ok", "unverified": "ok"}),
        trust=allow("send_lead", odd={"anonymous": "ok", "non_member": "ok", "unverified": "ok"}),
    ),
    # health
    "organisation /health/": page(
        school=allow(*EVERY_SCHOOL_ROLE, odd={"anonymous": "ok", "non_member": "ok", "unverified": "ok"}),
        la=allow("caseworker", "sen_manager", odd={"anonymous": "ok", "non_member": "ok", "unverified": "ok"}),
        trust=allow("send_lead", odd={"anonymous": "ok", "non_member": "ok", "unverified": "ok"}),
    ),
    "organisation /health/ready/": page(
        school=allow(*EVERY_SCHOOL_ROLE, odd={"anonymous": "ok", "non_member": "ok", "unverified": "ok"}),
        la=allow("caseworker", "sen_manager", odd={"anonymous": "ok", "non_member": "ok", "unverified": "ok"}),
        trust=allow("send_lead", odd={"anonymous": "ok", "non_member": "ok", "unverified": "ok"}),
    ),
    # api-schema
    "organisation /api/schema/": api(
        school=allow(*EVERY_SCHOOL_ROLE), la=allow("caseworker", "sen_manager"), trust=allow("send_lead")
    ),
    # api-pupils
    "organisation /api/v1/pupils/": api(
        school=allow(*EVERY_SCHOOL_ROLE), la=allow("caseworker", "sen_manager"), trust=allow("send_lead")
    ),
    # api-pupil
    "organisation /api/v1/pupils/<int:pupil_id>/": api(
        school=allow(*RECORD_READERS, "school_admin", refused="not-found")
    ),
    # api-pupil-needs
    "organisation /api/v1/pupils/<int:pupil_id>/needs/": api(
        school=allow(*RECORD_READERS, refused="not-found", odd={"school_admin": "forbidden"})
    ),
    # api-pupil-register
    "organisation /api/v1/pupils/<int:pupil_id>/register/": api(
        school=allow(*RECORD_READERS, refused="not-found", odd={"school_admin": "forbidden"})
    ),
    # api-pupil-plans
    "organisation /api/v1/pupils/<int:pupil_id>/plans/": api(
        school=allow(*RECORD_READERS, refused="not-found", odd={"school_admin": "forbidden"})
    ),
    # api-pupil-reviews
    "organisation /api/v1/pupils/<int:pupil_id>/reviews/": api(
        school=allow(*RECORD_READERS, refused="not-found", odd={"school_admin": "forbidden"})
    ),
    # api-register
    "organisation /api/v1/register/": api(
        school=allow(*EVERY_SCHOOL_ROLE), la=allow("caseworker", "sen_manager"), trust=allow("send_lead")
    ),
    # api-plan
    "organisation /api/v1/plans/<int:plan_id>/": api(
        school=allow(*RECORD_READERS, refused="not-found", odd={"school_admin": "forbidden"})
    ),
    # api-plan-outcomes
    "organisation /api/v1/plans/<int:plan_id>/outcomes/": api(
        school=allow(*SENCO_HEAD, ok="invalid", odd={"business_manager": "not-found", "governor": "not-found"}),
        method="POST",
    ),
    # api-plan-activate
    "organisation /api/v1/plans/<int:plan_id>/activate/": api(
        school=allow(*SENCO_HEAD, ok="invalid", odd={"business_manager": "not-found", "governor": "not-found"}),
        method="POST",
    ),
    # api-plan-reviews
    "organisation /api/v1/plans/<int:plan_id>/reviews/": api(
        school=allow(*RECORD_READERS, ok="invalid", refused="not-found", odd={"school_admin": "forbidden"}),
        method="POST",
    ),
    # api-review-close
    "organisation /api/v1/reviews/<int:review_id>/close/": api(
        school=allow(*RECORD_READERS, ok="invalid", refused="not-found", odd={"school_admin": "forbidden"}),
        method="POST",
    ),
    # api-provision-groups
    "organisation /api/v1/provision/groups/": api(school=allow(*RECORD_READERS)),
    # api-provision-sessions
    "organisation /api/v1/provision/groups/<int:group_id>/sessions/": api(
        school=allow(*SENCO_HEAD, "teaching_assistant", ok="invalid"), method="POST"
    ),
    # api-provision-map
    "organisation /api/v1/provision/map/": api(school=allow(*FIGURES)),
    # api-ehc-requests
    "organisation /api/v1/ehc/requests/": api(school=allow(*SENCO_HEAD)),
    # api-ehc-cases
    "organisation /api/v1/ehc/cases/": api(school=allow(refused="not-found"), la=allow("caseworker", "sen_manager")),
    # api-ehc-case
    "organisation /api/v1/ehc/cases/<int:case_id>/": api(
        school=allow(refused="not-found"), la=allow("caseworker", "sen_manager")
    ),
    # exchange-inbox
    "organisation /exchange/": page(school=allow(*SENCO_HEAD), la=allow("caseworker", "sen_manager")),
    # exchange-envelope
    "organisation /exchange/<int:envelope_id>/": page(school=allow(*SENCO_HEAD), la=allow("caseworker", "sen_manager")),
    # exchange-acknowledge
    "organisation /exchange/<int:envelope_id>/acknowledge/": page(
        school=allow(), la=allow("caseworker", "sen_manager", ok="redirect"), method="POST"
    ),
    # exchange-withdraw
    "organisation /exchange/<int:envelope_id>/withdraw/": page(school=allow(*SENCO_HEAD, ok="redirect"), method="POST"),
    # exchange-reply
    "organisation /exchange/<int:envelope_id>/reply/": page(
        school=allow(*SENCO_HEAD), la=allow("caseworker", "sen_manager")
    ),
    # exchange-document-download
    "organisation /exchange/documents/<str:token>/": page(
        # The link was made for the school's SENCO: it opens for her alone, and only on her school's address.
        school=allow("senco"),
        la=allow(),
    ),
    # exchange-api-envelopes
    "organisation /exchange/api/envelopes/": api(school=allow(*SENCO_HEAD), la=allow("caseworker", "sen_manager")),
    # exchange-api-envelope
    "organisation /exchange/api/envelopes/<int:envelope_id>/": api(
        school=allow(*SENCO_HEAD), la=allow("caseworker", "sen_manager")
    ),
    # exchange-api-acknowledge
    "organisation /exchange/api/envelopes/<int:envelope_id>/acknowledge/": api(
        school=allow(), la=allow("caseworker", "sen_manager", ok="invalid"), method="POST"
    ),
    # toolkits:home
    "organisation /toolkits/": page(school=allow(*SENCO_HEAD), la=allow("caseworker", "sen_manager")),
    # toolkits:change
    "organisation /toolkits/change/": page(
        school=allow(*SENCO_HEAD, ok="invalid"), la=allow("sen_manager", ok="invalid")
    ),
    # toolkits:matching
    "organisation /toolkits/pupils/<int:pupil_id>/matching/": page(school=allow(*RECORD_READERS)),
    # transition:board
    "organisation /transition/": page(school=allow(*SENCO_HEAD)),
    # transition:cohort-destination
    "organisation /transition/destination/": page(school=allow(*SENCO_HEAD)),
    # transition:pupil
    "organisation /transition/pupils/<int:pupil_id>/": page(school=allow(*SENCO_HEAD)),
    # transition:destination
    "organisation /transition/pupils/<int:pupil_id>/destination/": page(school=allow(*SENCO_HEAD)),
    # transition:grant
    "organisation /transition/pupils/<int:pupil_id>/grant/": page(school=allow(*SENCO_HEAD)),
    # transition:grant-dates
    "organisation /transition/grants/<int:grant_id>/dates/": page(school=allow(*SENCO_HEAD)),
    # transition:grant-revoke
    "organisation /transition/grants/<int:grant_id>/revoke/": page(school=allow(*SENCO_HEAD)),
    # transition:incoming
    "organisation /transition/incoming/": page(school=allow("senco")),
    # transition:incoming-pupil
    "organisation /transition/incoming/<int:grant_id>/": page(
        params={"grant_id": "incoming_grant"}, school=allow("senco")
    ),
    # ctf-export
    "organisation /ctf/export/": page(school=allow(*SENCO_HEAD, ok="invalid")),
    # ctf-import
    "organisation /ctf/import/": page(school=allow(*SENCO_HEAD)),
    # ctf-transition-send
    "organisation /ctf/pupils/<int:pupil_id>/transition-file/": page(school=allow(*SENCO_HEAD)),
    # ctf-transition-received
    "organisation /ctf/received/<int:envelope_id>/": page(
        params={"envelope_id": "transition_envelope"}, school=allow(*SENCO_HEAD)
    ),
    # ctf-transition-import
    "organisation /ctf/received/<int:envelope_id>/import/": page(
        params={"envelope_id": "transition_envelope"}, school=allow(*SENCO_HEAD, ok="redirect"), method="POST"
    ),
    # ctf-api-export
    "organisation /ctf/api/export/": api(school=allow(*SENCO_HEAD, ok="invalid")),
    # ctf-api-import
    "organisation /ctf/api/import/": api(school=allow(*SENCO_HEAD, ok="invalid"), method="POST"),
    # reporting-dashboard
    "organisation /reporting/": page(
        school=allow(*FIGURES), la=allow("caseworker", "sen_manager"), trust=allow("send_lead")
    ),
    # reporting-download
    "organisation /reporting/download/<slug:table>.csv": page(
        school=allow(*FIGURES), la=allow("caseworker", "sen_manager"), trust=allow("send_lead")
    ),
    # reporting-tokens
    "organisation /reporting/keys/": page(school=allow(*SENCO_HEAD), la=allow("sen_manager"), trust=allow("send_lead")),
    # reporting-revoke-token
    "organisation /reporting/keys/<int:token_id>/revoke/": page(
        school=allow(*SENCO_HEAD, ok="redirect"),
        la=allow("sen_manager", ok="redirect"),
        trust=allow("send_lead", ok="redirect"),
        method="POST",
    ),
    # reporting-graphql
    "organisation /graphql/": api(
        school=allow(*FIGURES, ok="invalid", odd={"anonymous": "redirect-sign-in"}),
        la=allow("caseworker", "sen_manager", ok="invalid", odd={"anonymous": "redirect-sign-in"}),
        trust=allow("send_lead", ok="invalid", odd={"anonymous": "redirect-sign-in"}),
    ),
    # reporting-graphql-api
    "organisation /api/reporting/graphql/": api(
        school=allow(
            *EVERY_SCHOOL_ROLE,
            ok="unauthenticated",
            odd={"anonymous": "unauthenticated", "non_member": "unauthenticated"},
        ),
        la=allow(
            "caseworker",
            "sen_manager",
            ok="unauthenticated",
            odd={"anonymous": "unauthenticated", "non_member": "unauthenticated"},
        ),
        trust=allow(
            "send_lead", ok="unauthenticated", odd={"anonymous": "unauthenticated", "non_member": "unauthenticated"}
        ),
    ),
    # provision:home
    "organisation /provision/": page(school=allow(*RECORD_READERS, "business_manager", "governor")),
    # provision:catalogue
    "organisation /provision/catalogue/": page(school=allow(*SENCO_HEAD), trust=allow("send_lead")),
    # provision:catalogue-starter
    "organisation /provision/catalogue/starter/": page(
        school=allow(*SENCO_HEAD, ok="redirect"), trust=allow("send_lead", ok="redirect"), method="POST"
    ),
    # provision:trust-catalogue
    "organisation /provision/catalogue/trust/": page(school=allow(*SENCO_HEAD)),
    # provision:intervention-edit
    "organisation /provision/catalogue/<int:intervention_id>/edit/": page(school=allow(*SENCO_HEAD)),
    # provision:groups
    "organisation /provision/groups/": page(school=allow(*RECORD_READERS)),
    # provision:group-add
    "organisation /provision/groups/new/": page(school=allow(*SENCO_HEAD)),
    # provision:group
    "organisation /provision/groups/<int:group_id>/": page(school=allow(*SENCO_HEAD, "teaching_assistant")),
    # provision:session
    "organisation /provision/groups/<int:group_id>/session/": page(school=allow(*SENCO_HEAD, "teaching_assistant")),
    # provision:measure
    "organisation /provision/members/<int:member_id>/measure/": page(school=allow(*SENCO_HEAD, "teaching_assistant")),
    # provision:plan-provision-link
    "organisation /provision/members/<int:member_id>/plan-provision/": page(
        school=allow(*SENCO_HEAD, ok="redirect"), method="POST"
    ),
    # provision:individual-add
    "organisation /provision/pupils/<int:pupil_id>/individual/new/": page(school=allow(*SENCO_HEAD)),
    # provision:costs
    "organisation /provision/costs/": page(school=allow(*SENCO_HEAD, "business_manager")),
    # provision:map
    "organisation /provision/map/": page(school=allow(*FIGURES)),
    # provision:map-print
    "organisation /provision/map/print/": page(school=allow(*FIGURES)),
    # provision:map-csv
    "organisation /provision/map.csv": page(school=allow(*FIGURES)),
    # provision:impact
    "organisation /provision/impact/": page(school=allow(*FIGURES)),
    # provision:report
    "organisation /provision/report/": page(school=allow(*FIGURES)),
    # census:sen-extract
    "organisation /census/": page(school=allow(*SENCO_HEAD)),
    # ehc:pupil-ehc
    "organisation /pupils/<int:pupil_id>/ehc/": page(school=allow(*RECORD_READERS)),
    # ehc:request-start
    "organisation /pupils/<int:pupil_id>/ehc/request/": page(school=allow(*SENCO_HEAD, ok="redirect"), method="POST"),
    # ehc:annual-review-add
    "organisation /pupils/<int:pupil_id>/ehc/annual-reviews/new/": page(school=allow(*SENCO_HEAD)),
    # ehc:requests
    "organisation /ehc-requests/": page(school=allow(*SENCO_HEAD)),
    # ehc:request
    "organisation /ehc-requests/<int:request_id>/": page(school=allow(*SENCO_HEAD)),
    # ehc:request-preview
    "organisation /ehc-requests/<int:request_id>/preview/": page(school=allow(*SENCO_HEAD, ok="redirect")),
    # ehc:request-reply
    "organisation /ehc-requests/<int:request_id>/reply/": page(school=allow(*SENCO_HEAD, ok="invalid"), method="POST"),
    # ehc:request-read
    "organisation /ehc-requests/<int:request_id>/read/": page(school=allow(*SENCO_HEAD, ok="redirect"), method="POST"),
    # ehc:plan
    "organisation /ehc-plans/<int:plan_id>/": page(params={"plan_id": "ehc_plan"}, school=allow(*RECORD_READERS)),
    # ehc:annual-review
    "organisation /annual-reviews/<int:review_id>/": page(
        params={"review_id": "annual_review"}, school=allow(*SENCO_HEAD)
    ),
    # ehc:annual-review-send
    "organisation /annual-reviews/<int:review_id>/send/": page(
        # Already sent: a second send is refused with its reason.
        params={"review_id": "annual_review"},
        school=allow(*SENCO_HEAD, ok="invalid"),
        method="POST",
    ),
    # ehc:casework
    "organisation /casework/": page(school=allow(refused="not-found"), la=allow("caseworker", "sen_manager")),
    # ehc:request-open
    "organisation /casework/requests/<int:message_id>/open/": page(
        school=allow(refused="not-found"), la=allow("caseworker", "sen_manager", ok="redirect"), method="POST"
    ),
    # ehc:annual-review-receive
    "organisation /casework/annual-reviews/<int:message_id>/receive/": page(
        params={"message_id": "annual_review_envelope"},
        school=allow(refused="not-found"),
        la=allow("caseworker", "sen_manager", ok="redirect"),
        method="POST",
    ),
    # ehc:cases
    "organisation /casework/cases/": page(school=allow(refused="not-found"), la=allow("caseworker", "sen_manager")),
    # ehc:family-request
    "organisation /casework/family-requests/new/": page(
        school=allow(refused="not-found"), la=allow("caseworker", "sen_manager")
    ),
    # ehc:case
    "organisation /casework/cases/<int:case_id>/": page(
        school=allow(refused="not-found"), la=allow("caseworker", "sen_manager")
    ),
    # ehc:case-allocate
    "organisation /casework/cases/<int:case_id>/allocate/": page(
        school=allow(refused="not-found"), la=allow("caseworker", "sen_manager", ok="invalid"), method="POST"
    ),
    # ehc:case-read
    "organisation /casework/cases/<int:case_id>/read/": page(
        school=allow(refused="not-found"), la=allow("caseworker", "sen_manager", ok="redirect"), method="POST"
    ),
    # ehc:case-information
    "organisation /casework/cases/<int:case_id>/information/": page(
        school=allow(refused="not-found"), la=allow("caseworker", "sen_manager", ok="invalid"), method="POST"
    ),
    # ehc:case-decision
    "organisation /casework/cases/<int:case_id>/decision/": page(
        school=allow(refused="not-found"), la=allow("caseworker", "sen_manager", ok="invalid"), method="POST"
    ),
    # ehc:case-advice
    "organisation /casework/cases/<int:case_id>/advice/": page(
        school=allow(refused="not-found"), la=allow("caseworker", "sen_manager", ok="invalid"), method="POST"
    ),
    # ehc:advice-received
    "organisation /casework/advice/<int:advice_id>/received/": page(
        school=allow(refused="not-found"), la=allow("caseworker", "sen_manager")
    ),
    # ehc:case-exception
    "organisation /casework/cases/<int:case_id>/exceptions/": page(
        school=allow(refused="not-found"), la=allow("caseworker", "sen_manager", ok="invalid"), method="POST"
    ),
    # ehc:case-no-plan
    "organisation /casework/cases/<int:case_id>/no-plan/": page(
        school=allow(refused="not-found"), la=allow("caseworker", "sen_manager", ok="invalid"), method="POST"
    ),
    # ehc:case-plan
    "organisation /casework/cases/<int:case_id>/plan/": page(
        school=allow(refused="not-found"), la=allow("caseworker", "sen_manager")
    ),
    # ehc:case-final-plan
    "organisation /casework/cases/<int:case_id>/plan/final/": page(
        school=allow(refused="not-found"), la=allow("caseworker", "sen_manager", ok="invalid"), method="POST"
    ),
    # ehc:case-plan-version
    "organisation /casework/cases/<int:case_id>/plans/<int:version>/": page(
        school=allow(refused="not-found"), la=allow("caseworker", "sen_manager")
    ),
    # ehc:case-annual-review
    "organisation /casework/annual-reviews/<int:review_id>/": page(
        params={"review_id": "case_annual_review"},
        school=allow(refused="not-found"),
        la=allow("caseworker", "sen_manager"),
    ),
    # ehc:caseload
    "organisation /casework/caseload/": page(school=allow(refused="not-found"), la=allow("caseworker", "sen_manager")),
    # ehc:deadlines
    "organisation /casework/deadlines/": page(school=allow(refused="not-found"), la=allow("caseworker", "sen_manager")),
    # ehc:reminders
    "organisation /reminders/": page(school=allow(*SENCO_HEAD), la=allow("caseworker", "sen_manager")),
    # ehc:reminder-dismiss
    "organisation /reminders/<int:reminder_id>/done/": page(
        host_params={"la": {"reminder_id": "la_reminder"}},
        school=allow(*SENCO_HEAD, ok="redirect"),
        la=allow("caseworker", "sen_manager", ok="redirect"),
        method="POST",
    ),
    # send_core:dashboard
    "organisation /send/": page(
        school=allow(*EVERY_SCHOOL_ROLE), la=allow("caseworker", "sen_manager"), trust=allow("send_lead")
    ),
    # send_core:register
    "organisation /register/": page(school=allow(*RECORD_READERS, "business_manager", "governor")),
    # send_core:concerns
    "organisation /concerns/": page(school=allow(*RECORD_READERS)),
    # send_core:pupils
    "organisation /pupils/": page(school=allow(*RECORD_READERS, "school_admin")),
    # send_core:pupil-add
    "organisation /pupils/new/": page(school=allow(*OFFICE)),
    # send_core:pupil-import
    "organisation /pupils/import/": page(school=allow(*OFFICE)),
    # send_core:pupil-import-columns
    "organisation /pupils/import/columns/": page(school=allow(*OFFICE, ok="redirect")),
    # send_core:pupil-import-confirm
    "organisation /pupils/import/confirm/": page(school=allow(*OFFICE, ok="redirect"), method="POST"),
    # send_core:pupil
    "organisation /pupils/<int:pupil_id>/": page(school=allow(*RECORD_READERS, "school_admin")),
    # send_core:pupil-edit
    "organisation /pupils/<int:pupil_id>/details/": page(school=allow(*OFFICE)),
    # send_core:parent-add
    "organisation /pupils/<int:pupil_id>/parents/new/": page(school=allow(*OFFICE)),
    # send_core:pupil-needs
    "organisation /pupils/<int:pupil_id>/needs/": page(school=allow(*RECORD_READERS)),
    # send_core:need-add
    "organisation /pupils/<int:pupil_id>/needs/new/": page(school=allow(*SENCO_HEAD)),
    # send_core:diagnosis-add
    "organisation /pupils/<int:pupil_id>/diagnoses/new/": page(school=allow(*SENCO_HEAD)),
    # send_core:need
    "organisation /needs/<int:need_id>/": page(school=allow(*RECORD_READERS, ok="redirect")),
    # send_core:need-end
    "organisation /needs/<int:need_id>/end/": page(school=allow(*SENCO_HEAD)),
    # send_core:need-make-primary
    "organisation /needs/<int:need_id>/make-primary/": page(school=allow(*SENCO_HEAD, ok="redirect"), method="POST"),
    # send_core:diagnosis
    "organisation /diagnoses/<int:diagnosis_id>/": page(school=allow(*RECORD_READERS, ok="redirect")),
    # send_core:pupil-concerns
    "organisation /pupils/<int:pupil_id>/concerns/": page(school=allow(*RECORD_READERS)),
    # send_core:concern-add
    "organisation /pupils/<int:pupil_id>/concerns/new/": page(school=allow(*RECORD_READERS)),
    # send_core:concern
    "organisation /concerns/<int:concern_id>/": page(school=allow(*RECORD_READERS)),
    # send_core:concern-discussion
    "organisation /concerns/<int:concern_id>/discussion/": page(school=allow(*RECORD_READERS)),
    # send_core:concern-close
    "organisation /concerns/<int:concern_id>/close/": page(school=allow(*SENCO_HEAD)),
    # send_core:concern-escalate
    "organisation /concerns/<int:concern_id>/sen-support/": page(school=allow(*SENCO_HEAD)),
    # send_core:pupil-register
    "organisation /pupils/<int:pupil_id>/register/": page(school=allow(*RECORD_READERS)),
    # send_core:stage-change
    "organisation /pupils/<int:pupil_id>/register/change/": page(school=allow(*SENCO_HEAD)),
    # send_core:register-exit
    "organisation /pupils/<int:pupil_id>/register/leave/": page(school=allow(*SENCO_HEAD)),
    # send_core:register-entry
    "organisation /register/entries/<int:entry_id>/": page(school=allow(*RECORD_READERS, ok="redirect")),
    # send_core:parent-notification
    "organisation /parent-notifications/<int:notification_id>/": page(school=allow(*RECORD_READERS, ok="redirect")),
    # send_core:pupil-plan
    "organisation /pupils/<int:pupil_id>/plan/": page(school=allow(*RECORD_READERS)),
    # send_core:plan-create
    "organisation /pupils/<int:pupil_id>/plan/new/": page(school=allow(*SENCO_HEAD, ok="redirect"), method="POST"),
    # send_core:pupil-profile
    "organisation /pupils/<int:pupil_id>/profile/": page(school=allow(*RECORD_READERS)),
    # send_core:pupil-provision
    "organisation /pupils/<int:pupil_id>/provision/": page(school=allow(*RECORD_READERS)),
    # send_core:plan
    "organisation /plans/<int:plan_id>/": page(school=allow(*RECORD_READERS)),
    # send_core:plan-edit
    "organisation /plans/<int:plan_id>/edit/": page(school=allow(*SENCO_HEAD)),
    # send_core:plan-activate
    "organisation /plans/<int:plan_id>/activate/": page(school=allow(*SENCO_HEAD)),
    # send_core:plan-close
    "organisation /plans/<int:plan_id>/close/": page(school=allow(*SENCO_HEAD)),
    # send_core:plan-version
    "organisation /plans/<int:plan_id>/versions/<int:number>/": page(school=allow(*RECORD_READERS)),
    # send_core:outcome-add
    "organisation /plans/<int:plan_id>/outcomes/new/": page(school=allow(*SENCO_HEAD)),
    # send_core:outcome-edit
    "organisation /outcomes/<int:outcome_id>/edit/": page(school=allow(*SENCO_HEAD)),
    # send_core:outcome-remove
    "organisation /outcomes/<int:outcome_id>/remove/": page(school=allow(*SENCO_HEAD)),
    # send_core:provision-add
    "organisation /plans/<int:plan_id>/provision/new/": page(school=allow(*SENCO_HEAD)),
    # send_core:provision-edit
    "organisation /provision/<int:item_id>/edit/": page(school=allow(*SENCO_HEAD)),
    # send_core:provision-remove
    "organisation /provision/<int:item_id>/remove/": page(school=allow(*SENCO_HEAD)),
    # send_core:pupil-reviews
    "organisation /pupils/<int:pupil_id>/reviews/": page(school=allow(*RECORD_READERS)),
    # send_core:review-add
    "organisation /plans/<int:plan_id>/reviews/new/": page(school=allow(*RECORD_READERS)),
    # send_core:review
    "organisation /reviews/<int:review_id>/": page(school=allow(*RECORD_READERS)),
    # send_core:review-edit
    "organisation /reviews/<int:review_id>/edit/": page(school=allow(*RECORD_READERS)),
    # send_core:review-close
    "organisation /reviews/<int:review_id>/close/": page(school=allow(*RECORD_READERS, ok="invalid"), method="POST"),
    # send_core:pupil-assessments
    "organisation /pupils/<int:pupil_id>/assessments/": page(school=allow(*RECORD_READERS)),
    # send_core:assessment-add
    "organisation /pupils/<int:pupil_id>/assessments/new/": page(school=allow(*RECORD_READERS)),
    # send_core:assessment
    "organisation /assessments/<int:assessment_id>/": page(school=allow(*RECORD_READERS, ok="redirect")),
    # send_core:pupil-agencies
    "organisation /pupils/<int:pupil_id>/agencies/": page(school=allow(*RECORD_READERS)),
    # send_core:agency-refer
    "organisation /pupils/<int:pupil_id>/agencies/refer/": page(school=allow(*SENCO_HEAD)),
    # send_core:agency-involvement
    "organisation /agency-involvements/<int:involvement_id>/": page(school=allow(*RECORD_READERS)),
    # send_core:consent-add
    "organisation /pupils/<int:pupil_id>/consent/new/": page(school=allow(*SENCO_HEAD)),
    # send_core:consent
    "organisation /consents/<int:consent_id>/": page(school=allow(*RECORD_READERS, ok="redirect")),
    # send_core:consent-withdraw
    "organisation /consents/<int:consent_id>/withdraw/": page(school=allow(*SENCO_HEAD)),
    # send_core:pupil-meetings
    "organisation /pupils/<int:pupil_id>/meetings/": page(school=allow(*RECORD_READERS)),
    # send_core:meeting-add
    "organisation /pupils/<int:pupil_id>/meetings/new/": page(school=allow(*RECORD_READERS)),
    # send_core:parent-meeting
    "organisation /parent-meetings/<int:meeting_id>/": page(school=allow(*RECORD_READERS)),
    # send_core:pupil-medical
    "organisation /pupils/<int:pupil_id>/medical/": page(school=allow(*RECORD_READERS)),
    # send_core:medical-add
    "organisation /pupils/<int:pupil_id>/medical/new/": page(school=allow(*SENCO_HEAD)),
    # send_core:medical-end
    "organisation /medical-conditions/<int:condition_id>/end/": page(school=allow(*SENCO_HEAD)),
    # send_core:pupil-documents
    "organisation /pupils/<int:pupil_id>/documents/": page(school=allow(*RECORD_READERS)),
    # send_core:document-add
    "organisation /pupils/<int:pupil_id>/documents/new/": page(school=allow(*RECORD_READERS)),
    # send_core:document
    "organisation /documents/<int:document_id>/": page(school=allow(*RECORD_READERS, ok="redirect")),
    # send_core:document-download
    "organisation /documents/<int:document_id>/download/": page(school=allow(*RECORD_READERS)),
    # send_core:pupil-chronology
    "organisation /pupils/<int:pupil_id>/chronology/": page(school=allow(*RECORD_READERS)),
    # send_core:pupil-viewed
    "organisation /pupils/<int:pupil_id>/viewed/": page(school=allow(*SENCO_HEAD)),
    # send_core:classes
    "organisation /classes/": page(school=allow(*OFFICE)),
    # send_core:class-staff-assign
    "organisation /classes/<int:class_id>/staff/": page(school=allow(*OFFICE, ok="invalid"), method="POST"),
    # send_core:class-staff-remove
    "organisation /classes/<int:class_id>/staff/<int:user_id>/remove/": page(
        school=allow(*OFFICE, ok="redirect"), method="POST"
    ),
    # send_core:training
    "organisation /training/": page(school=allow(*SENCO_HEAD, "business_manager")),
    # send_core:pupil-leaving
    "organisation /pupils/<int:pupil_id>/leaving/": page(school=allow(*OFFICE)),
    # send_core:parent-edit
    "organisation /parents/<int:parent_id>/edit/": page(school=allow(*OFFICE)),
    # send_core:parent-remove
    "organisation /parents/<int:parent_id>/remove/": page(school=allow(*OFFICE)),
    # landing
    "base /": page(platform=allow("operator", ok="redirect", odd={"anonymous": "ok", "non_member": "redirect"})),
    # sign-in
    "base /sign-in/": page(
        platform=allow("operator", ok="redirect", odd={"anonymous": "ok", "non_member": "redirect"})
    ),
    # sign-out
    "base /sign-out/": page(
        platform=allow(
            refused="redirect-sign-in", odd={"non_member": "redirect-sign-in", "unverified": "redirect-sign-in"}
        ),
        method="POST",
    ),
    # two-factor
    "base /two-factor/": page(platform=allow("operator", odd={"non_member": "ok", "unverified": "ok"})),
    # two-factor-email-link
    "base /two-factor/email-link/": page(
        platform=allow("operator", odd={"non_member": "ok", "unverified": "ok"}), method="POST"
    ),
    # two-factor-enrol
    "base /two-factor/enrol/": page(
        platform=allow("operator", odd={"anonymous": "ok", "non_member": "ok", "unverified": "ok"})
    ),
    # choose-organisation
    "base /organisations/": page(platform=allow("operator", odd={"non_member": "ok"})),
    # go-to-organisation
    "base /organisations/<slug:slug>/go/": page(platform=allow(odd={"non_member": "redirect"}), method="POST"),
    # accept-invitation
    "base /invitations/": page(
        platform=allow("operator", odd={"anonymous": "ok", "non_member": "ok", "unverified": "ok"})
    ),
    # operator-organisations
    "base /operator/organisations/": page(platform=allow("operator")),
    # operator-reporting
    "base /operator/reporting/": page(platform=allow("operator")),
    # public_toolkits:list
    "base /toolkits/": page(platform=allow("operator")),
    # favicon
    "base /favicon.ico": page(platform=allow("operator", odd={"anonymous": "ok", "non_member": "ok", "unverified": "ok"})),
    # health
    "base /health/": page(platform=allow("operator", odd={"anonymous": "ok", "non_member": "ok", "unverified": "ok"})),
    "base /health/ready/": page(
        platform=allow("operator", odd={"anonymous": "ok", "non_member": "ok", "unverified": "ok"})
    ),
}
