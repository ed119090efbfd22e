"""The built-in Simplified Chinese texts of every letter kind: (subject, body) as Jinja."""

from sponsorship.models.enums import LetterKind

SIGN = "\n\n{{ federation }}\n{{ today|date }}"

TEXTS: dict[LetterKind, tuple[str, str]] = {
    LetterKind.SIGNUP_ACK: (
        "我们已收到您的爱心父母报名",
        "尊敬的{{ name }}：\n\n"
        "您好！我们已收到您参加「爱心父母」牵手困境儿童帮扶行动的报名，衷心感谢您的爱心。"
        "工作人员将在十个工作日内完成审核，并把结果告诉您。" + SIGN,
    ),
    LetterKind.APPROVAL: (
        "欢迎您成为爱心父母",
        "尊敬的{{ name }}：\n\n"
        "您好！您的报名已经审核通过，欢迎您成为「爱心父母」大家庭的一员。"
        "我们会尽快为您结对一名需要帮助的孩子，结对后将另行通知您。"
        "{% if portal_url %}\n\n您可以登录 {{ portal_url }} 查看结对、认捐和来信。{% endif %}"
        + SIGN,
    ),
    LetterKind.REJECTION: (
        "关于您的爱心父母报名",
        "尊敬的{{ name }}：\n\n"
        "您好！感谢您对困境儿童的关心。很遗憾，您这次的报名未能通过审核。"
        "{% if reason %}\n原因：{{ reason }}{% endif %}\n"
        "如有疑问，欢迎与我们联系。" + SIGN,
    ),
    LetterKind.PAIRING_NOTICE: (
        "您已与{{ child.given_name }}结对",
        "尊敬的{{ name }}：\n\n"
        "您好！经过认真匹配，您已与一名孩子结成帮扶对子：\n"
        "名字：{{ child.given_name }}\n年龄：{{ child.age }}岁\n"
        "就读阶段：{{ child.stage }}\n所在镇（街道）：{{ child.town }}\n\n"
        "{% if first_year_pro_rata %}您的认捐为每年 {{ yearly_fen|money }}；本学年从结对之日"
        "（{{ paired_on|date }}）起按月折算，为 {{ first_year_fen|money }}，下学年起按全年计。\n\n"
        "{% elif yearly_fen %}您的认捐为每年 {{ yearly_fen|money }}。\n\n{% endif %}"
        "为保护孩子，我们只提供以上信息。感谢您用爱心陪伴孩子成长！" + SIGN,
    ),
    LetterKind.PLEDGE_REMINDER: (
        "认捐款提醒：{{ due_on|date }}到期",
        "尊敬的{{ name }}：\n\n"
        "您好！您为{{ child_name }}认捐的帮扶款 {{ amount_fen|money }} "
        "将于 {{ due_on|date }} 到期。"
        "援助款将在九月开学时发放给孩子的监护人，请您在到期前缴纳。"
        "如已缴纳，请忽略本提醒。" + SIGN,
    ),
    LetterKind.OVERDUE_REMINDER: (
        "认捐款逾期提醒（第{{ reminder_number }}次）",
        "尊敬的{{ name }}：\n\n"
        "您好！您为{{ child_name }}认捐的帮扶款 {{ amount_fen|money }} "
        "已于 {{ due_on|date }} 到期，"
        "我们暂未收到。孩子们正盼着新学期的援助款，请您方便时尽快缴纳。"
        "如有困难或已经缴纳，请与我们联系。" + SIGN,
    ),
    LetterKind.DONATION_THANKS: (
        "感谢信：已收到您的捐款 {{ amount_fen|money }}",
        "尊敬的{{ name }}：\n\n"
        "您好！我们已于 {{ received_on|date }} 收到您的捐款 {{ amount_fen|money }}，"
        "收据编号 {{ receipt_no }}。每一分钱都将用于帮扶困境儿童，我们会如实向您反馈使用情况。"
        "衷心感谢您的爱心与信任！" + SIGN,
    ),
    LetterKind.PAYOUT_NOTICE: (
        "援助款发放通知",
        "{{ name }}您好：\n\n"
        "「爱心父母」帮扶行动为{{ child_name }}发放的援助款 {{ amount_fen|money }} "
        "已于 {{ paid_on|date }} 转入您登记的银行账户，请注意查收，并用于孩子的学习和生活。" + SIGN,
    ),
    LetterKind.CHILD_RECEIVED: (
        "{{ child_name }}已收到援助款",
        "尊敬的{{ name }}：\n\n"
        "您好！在您的帮助下，{{ child_name }}的援助款 {{ amount_fen|money }} "
        "已于 {{ paid_on|date }} 发放到孩子的监护人手中。感谢您的爱心陪伴！" + SIGN,
    ),
    LetterKind.YEARLY_THANKS: (
        "{{ year }}年度感谢信",
        "尊敬的{{ name }}：\n\n"
        "您好！{{ year }}年，您帮扶了{{ children_count }}名孩子，"
        "捐款 {{ donated_fen|money }}，孩子们共收到援助款 {{ received_fen|money }}。"
        "是您的爱心让孩子们安心上学、健康成长。新的一年，期待与您继续同行！" + SIGN,
    ),
    LetterKind.PASSWORD_RESET: (
        "重置登录密码",
        "{{ name }}您好：\n\n"
        "请打开下面的链接设置新密码（{{ valid_hours }}小时内有效）：\n{{ link }}\n\n"
        "如果不是您本人操作，请忽略本邮件，您的密码不会改变。" + SIGN,
    ),
    LetterKind.PORTAL_INVITATION: (
        "请设置您的爱心父母登录密码",
        "{{ name }}您好：\n\n"
        "感谢您填写「爱心父母」报名表，工作人员已为您录入。"
        "请打开下面的链接设置登录密码（{{ valid_hours }}小时内有效），"
        "之后可用手机号登录，查看审核结果、结对、认捐和来信：\n{{ link }}\n\n"
        "链接过期后，可在登录页点击「忘记密码」重新获取。" + SIGN,
    ),
    LetterKind.EMAIL_CONFIRMATION: (
        "请确认您的电子邮箱",
        "{{ name }}您好：\n\n"
        "请打开下面的链接，确认这是您的电子邮箱（{{ valid_days }}天内有效）：\n{{ link }}\n\n"
        "确认后，您可以用这个邮箱登录「爱心父母」服务页面、找回密码。"
        "如果不是您本人操作，请忽略本邮件。" + SIGN,
    ),
    LetterKind.APPEAL: (
        "「爱心父母」牵手困境儿童帮扶行动倡议书",
        "{% if name %}尊敬的{{ name }}：{% else %}社会各界爱心人士：{% endif %}\n\n"
        "在我们身边，还有一些孩子因失去父母、家庭贫困、身患疾病或父母外出务工，"
        "生活和学习面临困难。为了让每一个孩子都能感受到关爱，{{ federation }}发起"
        "「爱心父母」牵手困境儿童帮扶行动，诚邀您成为孩子的爱心父母：\n"
        "一、每年资助一名孩子的学习或生活费用；\n"
        "二、常常关心孩子的学习和成长；\n"
        "三、援助款由妇联在每年九月开学时统一发放给孩子的监护人。\n\n"
        "一份爱心，一份希望。让我们携起手来，为困境儿童撑起一片蓝天！" + SIGN,
    ),
    LetterKind.REPEAT_SIGNUP: (
        "有人用您的信息再次报名爱心父母",
        "{{ name }}您好：\n\n"
        "{{ today|date }}，有人在网上用您登记的手机号或身份证号报名「爱心父母」。"
        "您已经报过名，这次报名没有保存，您的资料也没有改变。\n\n"
        "如果是您本人：无需重复报名。"
        "{% if has_account %}请用手机号（或已确认的电子邮箱）登录"
        "{% if login_url %} {{ login_url }} {% endif %}查看进度；"
        "忘记密码可在登录页点击「忘记密码」重设。"
        "{% else %}您的账户目前不能登录，请与我们联系，我们会帮您开通。"
        "{% endif %}\n"
        "如果不是您本人：请尽快与{{ federation }}联系。" + SIGN,
    ),
}
