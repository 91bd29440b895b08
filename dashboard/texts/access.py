"""Texts of sign-in, the refusals of requests out of a role's reach, and the Audit page.

key -> :class:`~queries.vocabulary.text.Text`. Merged by :mod:`dashboard.i18n`.
"""

from __future__ import annotations

from queries.vocabulary.text import Text

STRINGS: dict[str, Text] = {
    "page.audit": Text("审计日志", "Audit trail"),
    "signin.title": Text("请登录", "Please sign in"),
    "signin.body": Text(
        "本看板含案件级数据，仅限授权人员使用。请使用单位统一身份认证登录。",
        "This dashboard shows record-level data to authorised people only. "
        "Sign in with the bureau's identity provider.",
    ),
    "signin.button": Text("登录", "Sign in"),
    "signin.failed": Text("登录失败", "Sign-in failed"),
    "signin.failed.clock": Text(
        "身份提供方签发的令牌时间与本服务器时钟不符（相差超过 2 分钟）。"
        "请管理员检查两台服务器的时钟同步（NTP）。",
        "The identity provider's token is stamped with a time more than 2 minutes away "
        "from this server's clock. Ask an administrator to check that both servers keep "
        "time with NTP.",
    ),
    "signin.failed.issuer": Text(
        "令牌不是由配置的身份提供方签发的。请管理员检查登录配置中的 server_metadata_url。",
        "The token was not issued by the configured identity provider. Ask an "
        "administrator to check server_metadata_url in the sign-in configuration.",
    ),
    "signin.failed.exchange": Text(
        "无法与身份提供方完成令牌交换。请管理员查看服务器日志，并检查 client_id、"
        "client_secret 及两台服务器的时钟。",
        "The token exchange with the identity provider failed. Ask an administrator to "
        "read the server's log and check client_id, client_secret and both servers' clocks.",
    ),
    "signin.failed.provider": Text(
        "身份提供方拒绝了此次登录。请重试；如仍失败，请管理员查看身份提供方的日志。",
        "The identity provider refused this sign-in. Try again; if it fails again, ask "
        "an administrator to read the provider's log.",
    ),
    "signin.failed.stale": Text(
        "登录已过期或被重复提交（例如使用了浏览器的后退键）。请重新登录。",
        "The sign-in was stale or sent twice (the browser's Back button, for example). "
        "Please sign in again.",
    ),
    "signin.failed.too_large": Text(
        "身份提供方的令牌过大（例如带有大量用户组），浏览器无法保存。"
        "请管理员在身份提供方将组等声明移出 ID 令牌。",
        "The identity provider's token is too large for the browser to keep (many groups, "
        "for example). Ask an administrator to leave group claims out of the ID token.",
    ),
    "signin.failed.unverified": Text(
        "身份提供方未确认您的电子邮箱已验证（email_verified）。此次登录已被拒绝并记入审计日志。"
        "请管理员检查身份提供方的邮箱验证设置。",
        "The identity provider does not say your email address is verified "
        "(email_verified). The sign-in was refused and recorded in the audit trail. Ask "
        "an administrator to check the provider's email verification.",
    ),
    "signin.failed.other_identity": Text(
        "此邮箱已绑定到身份提供方的另一个账户（iss/sub 不同）。此次登录已被拒绝并记入审计日志。"
        "如账户确已更换，请管理员先移除再重新添加该用户。",
        "This address is bound to another account at the identity provider (another "
        "iss/sub). The sign-in was refused and recorded in the audit trail. If the account "
        "really changed, an administrator removes the user and adds them again.",
    ),
    "signin.failed.incomplete": Text(
        "令牌缺少 iss、sub 或 exp 声明。请管理员检查身份提供方的配置。",
        "The token lacks the iss, sub or exp claim. Ask an administrator to check the "
        "provider's set-up.",
    ),
    "signin.failed.expired": Text(
        "令牌已过期。请管理员检查两台服务器的时钟同步（NTP）及令牌有效期。",
        "The token had already expired. Ask an administrator to check both servers' "
        "clocks (NTP) and the token lifetime.",
    ),
    "signin.ended.signed_out": Text("您已退出登录。", "You have signed out."),
    "signin.ended.expired": Text(
        "您的登录已到期，请重新登录。", "Your sign-in has expired. Please sign in again."
    ),
    "signin.ended.removed": Text(
        "您的访问权限已被管理员撤销。", "An administrator has removed your access."
    ),
    "signin.ended.role_changed": Text(
        "管理员已更改您的角色，请重新登录。",
        "An administrator has changed your role. Please sign in again.",
    ),
    "signin.ended.unknown": Text(
        "服务器不认识此浏览器的登录，请重新登录。",
        "This server does not know this browser's sign-in. Please sign in again.",
    ),
    "signin.no_role.title": Text("尚未授权", "No role yet"),
    "signin.no_role.body": Text(
        "您已登录（{email}），但尚未被授予任何角色，无法查看数据。请联系管理员。",
        "You are signed in ({email}) but have no role, so nothing can be shown. "
        "Ask an administrator for one.",
    ),
    "signin.no_email": Text(
        "身份提供方没有发来您的电子邮箱（ID 令牌的 email 声明），无法确认您是谁。"
        "请管理员按部署说明检查身份提供方的配置。",
        "The identity provider did not send your email address (the ID token's email "
        "claim), so who you are cannot be told. Ask an administrator to check the "
        "provider's set-up (docs/deploy.md).",
    ),
    "signin.not_loopback": Text(
        "未启用登录的看板只能在本机地址上提供服务。请用 openness serve --auth 启动。",
        "Without sign-in the dashboard serves this machine's loopback address only. "
        "Start it with openness serve --auth.",
    ),
    "signin.who": Text("当前用户：{email}（{role}）", "Signed in: {email} ({role})"),
    "signin.local": Text("本机管理员（未启用登录）", "Local admin (no sign-in)"),
    "signin.out": Text("退出登录", "Sign out"),
    "denied.title": Text("无权查看", "Not in your reach"),
    "denied.records": Text(
        "您的角色（{role}）不能查看{unit}的案件记录。此次请求已记入审计日志。",
        "Your role ({role}) may not see the records of {unit}. This request has been "
        "recorded in the audit trail.",
    ),
    "denied.page": Text(
        "您的角色（{role}）不能打开此页面。此次请求已记入审计日志。",
        "Your role ({role}) may not open this page. This request has been recorded in "
        "the audit trail.",
    ),
    "denied.briefing": Text(
        "您的角色（{role}）不能生成{unit}的简报。此次请求已记入审计日志。",
        "Your role ({role}) may not make the briefing of {unit}. This request has been "
        "recorded in the audit trail.",
    ),
    "denied.whole": Text("全部单位", "every unit"),
    "unit.records.role": Text(
        "您的角色不能查看此单位的案件记录；上方指标为汇总数。",
        "Your role does not reach this unit's records; the indicators above are aggregates.",
    ),
    "records.role": Text(
        "您的角色不能查看案件记录。",
        "Your role does not reach the records.",
    ),
    "records.link": Text("本指标案件记录的链接", "Link to these records"),
    "data.imports.reach": Text(
        "导入日志和被拒行涉及所有单位，仅管理员和局领导可见。",
        "The import log and rejected rows span every unit: shown to administrators and "
        "leadership only.",
    ),
    "audit.title": Text("审计日志", "Audit trail"),
    "audit.help": Text(
        "登录、退出、查看案件记录、下载、越权请求和用户变更，只增不改。",
        "Sign-ins, sign-outs, records shown, downloads, denials and changes of users; append-only.",
    ),
    "audit.person": Text("人员", "Person"),
    "audit.event": Text("事件", "Event"),
    "audit.every_event": Text("全部事件", "Every event"),
    "records.of": Text("“{indicator}”的记录", "records of “{indicator}”"),
    "audit.from": Text("起始日期", "From"),
    "audit.to": Text("截止日期", "To"),
    "audit.shown": Text("共 {n} 条（最近的在前）", "{n} events (latest first)"),
    "audit.col.at": Text("时间", "Time"),
    "audit.col.user": Text("人员", "Person"),
    "audit.col.iss": Text("身份签发方（iss）", "Issuer (iss)"),
    "audit.col.sub": Text("身份标识（sub）", "Subject (sub)"),
    "audit.col.role": Text("角色", "Role"),
    "audit.col.event": Text("事件", "Event"),
    "audit.col.page": Text("页面", "Page"),
    "audit.col.unit_id": Text("单位代码", "Unit ID"),
    "audit.col.period": Text("期间", "Period"),
    "audit.col.as_of": Text("截至", "As of"),
    "audit.col.records": Text("记录数", "Records"),
    "audit.col.detail": Text("详情", "Detail"),
    "audit.ev.sign_in": Text("登录", "Sign-in"),
    "audit.ev.sign_out": Text("退出", "Sign-out"),
    "audit.ev.view_records": Text("查看记录", "Records shown"),
    "audit.ev.download": Text("下载", "Download"),
    "audit.ev.denied": Text("越权请求", "Denied"),
    "audit.ev.users_changed": Text("用户变更", "Users changed"),
    "audit.ev.delivered": Text("消息投递", "Delivered"),
    "audit.ev.job_run": Text("定时任务运行", "Job run"),
    "audit.ev.changed": Text("变更", "Changed"),
    "audit.ev.upload": Text("上传记录文件", "Upload"),
    "audit.detail.overdue_cases": Text("逾期案件", "Overdue cases"),
    "audit.detail.supervision_items": Text("监督事项", "Supervision items"),
    "audit.detail.no_role": Text("已登录，未分配角色", "Signed in without a role"),
    "audit.detail.local_sign_in": Text(
        "本机管理员，服务器启动于 {when}", "Local admin, server started {when}"
    ),
}
