"""The built-in English texts of every letter kind: (subject, body) as Jinja."""

from sponsorship.models.enums import LetterKind

SIGN = "\n\n{{ federation }}\n{{ today|date }}"

TEXTS: dict[LetterKind, tuple[str, str]] = {
    LetterKind.SIGNUP_ACK: (
        "We have received your application as a caring parent",
        "Dear {{ name }},\n\n"
        "Thank you for applying to the Caring Parents programme for children in difficulty. "
        "Our staff will review your application within ten working days and let you know." + SIGN,
    ),
    LetterKind.APPROVAL: (
        "Welcome, caring parent",
        "Dear {{ name }},\n\n"
        "Your application has been approved: welcome to the Caring Parents family. "
        "We will pair you with a child soon and write to you again when we have."
        "{% if portal_url %}\n\nYou can sign in at {{ portal_url }} to see your pairings, "
        "pledges and letters.{% endif %}" + SIGN,
    ),
    LetterKind.REJECTION: (
        "About your application",
        "Dear {{ name }},\n\n"
        "Thank you for caring about children in difficulty. We are sorry that we cannot accept "
        "your application this time.{% if reason %}\nReason: {{ reason }}{% endif %}\n"
        "Please contact us if you have any questions." + SIGN,
    ),
    LetterKind.PAIRING_NOTICE: (
        "You have been paired with {{ child.given_name }}",
        "Dear {{ name }},\n\n"
        "You have been paired with a child:\n"
        "Name: {{ child.given_name }}\nAge: {{ child.age }}\n"
        "School stage: {{ child.stage }}\nTown: {{ child.town }}\n\n"
        "{% if first_year_pro_rata %}Your pledge is {{ yearly_fen|money }} a year; this first "
        "school year is pro rata from the pairing date ({{ paired_on|date }}): "
        "{{ first_year_fen|money }}. Full years from next September.\n\n"
        "{% elif yearly_fen %}Your pledge is {{ yearly_fen|money }} a year.\n\n{% endif %}"
        "To protect the child we share only these details. Thank you for your care!" + SIGN,
    ),
    LetterKind.PLEDGE_REMINDER: (
        "Pledge reminder: due on {{ due_on|date }}",
        "Dear {{ name }},\n\n"
        "Your pledge of {{ amount_fen|money }} for {{ child_name }} is due on {{ due_on|date }}. "
        "Aid is paid to the children's guardians in September; please pay before the due date. "
        "If you have paid already, please ignore this reminder." + SIGN,
    ),
    LetterKind.OVERDUE_REMINDER: (
        "Overdue pledge (reminder {{ reminder_number }})",
        "Dear {{ name }},\n\n"
        "Your pledge of {{ amount_fen|money }} for {{ child_name }} was due on {{ due_on|date }} "
        "and we have not received it yet. Please pay when you can, or contact us if you have "
        "difficulties or have paid already." + SIGN,
    ),
    LetterKind.DONATION_THANKS: (
        "Thank you for your donation of {{ amount_fen|money }}",
        "Dear {{ name }},\n\n"
        "We received your donation of {{ amount_fen|money }} on {{ received_on|date }}, "
        "receipt number {{ receipt_no }}. Every fen goes to children in difficulty. "
        "Thank you for your kindness and trust!" + SIGN,
    ),
    LetterKind.PAYOUT_NOTICE: (
        "Aid has been paid",
        "Dear {{ name }},\n\n"
        "The aid of {{ amount_fen|money }} for {{ child_name }} was paid into your registered "
        "bank account on {{ paid_on|date }}. Please use it for the child's schooling and "
        "daily life." + SIGN,
    ),
    LetterKind.CHILD_RECEIVED: (
        "{{ child_name }} has received the aid",
        "Dear {{ name }},\n\n"
        "Thanks to you, the aid of {{ amount_fen|money }} for {{ child_name }} was paid to "
        "the child's guardian on {{ paid_on|date }}. Thank you for your care!" + SIGN,
    ),
    LetterKind.YEARLY_THANKS: (
        "Thank you for {{ year }}",
        "Dear {{ name }},\n\n"
        "In {{ year }} you sponsored {{ children_count }} children and donated "
        "{{ donated_fen|money }}; your children received {{ received_fen|money }} in aid. "
        "Thank you for helping them go to school and grow up well." + SIGN,
    ),
    LetterKind.PASSWORD_RESET: (
        "Reset your password",
        "Dear {{ name }},\n\n"
        "Open this link to choose a new password (valid for {{ valid_hours }} "
        "hour{{ 's' if valid_hours != 1 }}):\n"
        "{{ link }}\n\n"
        "If you did not ask for this, ignore this email: your password stays as it is." + SIGN,
    ),
    LetterKind.PORTAL_INVITATION: (
        "Set your caring-parent password",
        "Dear {{ name }},\n\n"
        "Thank you for filling in the caring-parents form; our staff have entered it for you. "
        "Open this link to choose a password (valid for {{ valid_hours }} "
        "hour{{ 's' if valid_hours != 1 }}); then log in "
        "with your mobile number to follow your application, pairings, pledges and letters:\n"
        "{{ link }}\n\n"
        "Once the link expires, use 'Forgot password' on the login page for a new one." + SIGN,
    ),
    LetterKind.EMAIL_CONFIRMATION: (
        "Please confirm your email address",
        "Dear {{ name }},\n\n"
        "Open this link to confirm that this email address is yours (valid for {{ valid_days }} "
        "days):\n{{ link }}\n\n"
        "Once confirmed, you can log in to the caring parents' portal and reset your password "
        "with it. If you did not ask for this, ignore this email." + SIGN,
    ),
    LetterKind.APPEAL: (
        "An appeal: become a caring parent to a child in difficulty",
        "{% if name %}Dear {{ name }},{% else %}Dear friends,{% endif %}\n\n"
        "Around us live children who have lost their parents, whose families are poor, who are "
        "ill, or whose parents work far away. {{ federation }} invites you to become a caring "
        "parent:\n"
        "1. support one child's schooling or living costs each year;\n"
        "2. take an interest in the child's studies and growth;\n"
        "3. the Federation pays the aid to the child's guardian each September.\n\n"
        "Together we can give these children a brighter future." + SIGN,
    ),
    LetterKind.REPEAT_SIGNUP: (
        "Someone signed up again with your details",
        "Dear {{ name }},\n\n"
        "On {{ today|date }} someone signed up online as a caring parent with the mobile number "
        "or ID number we have for you. You have signed up already, so nothing was stored and "
        "your details are unchanged.\n\n"
        "If it was you: there is no need to sign up again. "
        "{% if has_account %}Log in with your mobile number (or your confirmed email)"
        "{% if login_url %} at {{ login_url }}{% endif %} to follow your application; if you "
        "forgot the password, use 'Forgot password' on the login page."
        "{% else %}You cannot log in yet: contact us and we will set up your login."
        "{% endif %}\n"
        "If it was not you: please contact {{ federation }} soon." + SIGN,
    ),
}
