/* Built-in schema of the Salesforce Campaign, CampaignMember, User and RecordType objects. Their
 * lengths and picklists are assumed (no real describe of them was at hand):
 * docs/sandbox-salesforce.md says so (generated once from real describe metadata, then kept here as
 * the sandbox's own table; see sf_schema.h for the columns). One line per field, in the order the
 * real describe lists them. */
#include "sandbox/sf_schema.h"

/* clang-format off */
static const sf_field campaign_fields[] = {
    {"Id", "Campaign ID", SF_T_ID, 18, 0, 0, SF_F_DEF | SF_F_LOOKUP, NULL, NULL, NULL, NULL},
    {"IsDeleted", "Deleted", SF_T_BOOLEAN, 0, 0, 0, SF_F_DEF, NULL, NULL, NULL, "false"},
    {"Name", "Name", SF_T_STRING, 80, 0, 0, SF_F_CRE | SF_F_UPD | SF_F_NAME | SF_F_LOOKUP, NULL, NULL, NULL, NULL},
    {"ParentId", "Parent Campaign ID", SF_T_REFERENCE, 18, 0, 0, SF_F_NIL | SF_F_CRE | SF_F_UPD, "Campaign", "Parent", NULL, NULL},
    {"Type", "Type", SF_T_PICKLIST, 255, 0, 0, SF_F_NIL | SF_F_CRE | SF_F_UPD, NULL, NULL, "Conference\nWebinar\nTrade Show\nPublic Relations\nPartners\nReferral Program\nAdvertisement\nBanner Ads\nDirect Mail\nEmail\nTelemarketing\nOther", NULL},
    {"Status", "Status", SF_T_PICKLIST, 255, 0, 0, SF_F_NIL | SF_F_CRE | SF_F_UPD | SF_F_DEF, NULL, NULL, "Planned\nIn Progress\nCompleted\nAborted", "Planned"},
    {"StartDate", "Start Date", SF_T_DATE, 0, 0, 0, SF_F_NIL | SF_F_CRE | SF_F_UPD, NULL, NULL, NULL, NULL},
    {"EndDate", "End Date", SF_T_DATE, 0, 0, 0, SF_F_NIL | SF_F_CRE | SF_F_UPD, NULL, NULL, NULL, NULL},
    {"ExpectedRevenue", "Expected Revenue in Campaign", SF_T_CURRENCY, 0, 18, 0, SF_F_NIL | SF_F_CRE | SF_F_UPD, NULL, NULL, NULL, NULL},
    {"BudgetedCost", "Budgeted Cost in Campaign", SF_T_CURRENCY, 0, 18, 0, SF_F_NIL | SF_F_CRE | SF_F_UPD, NULL, NULL, NULL, NULL},
    {"ActualCost", "Actual Cost in Campaign", SF_T_CURRENCY, 0, 18, 0, SF_F_NIL | SF_F_CRE | SF_F_UPD, NULL, NULL, NULL, NULL},
    {"ExpectedResponse", "Expected Response (%)", SF_T_PERCENT, 0, 10, 2, SF_F_NIL | SF_F_CRE | SF_F_UPD, NULL, NULL, NULL, NULL},
    {"NumberSent", "Num Sent in Campaign", SF_T_DOUBLE, 0, 18, 0, SF_F_NIL | SF_F_CRE | SF_F_UPD, NULL, NULL, NULL, NULL},
    {"IsActive", "Active", SF_T_BOOLEAN, 0, 0, 0, SF_F_CRE | SF_F_UPD | SF_F_DEF, NULL, NULL, NULL, "false"},
    {"Description", "Description", SF_T_TEXTAREA, 32000, 0, 0, SF_F_NIL | SF_F_CRE | SF_F_UPD, NULL, NULL, NULL, NULL},
    {"NumberOfLeads", "Leads in Campaign", SF_T_INT, 0, 9, 0, SF_F_DEF, NULL, NULL, NULL, NULL},
    {"NumberOfConvertedLeads", "Converted Leads in Campaign", SF_T_INT, 0, 9, 0, SF_F_DEF, NULL, NULL, NULL, NULL},
    {"NumberOfContacts", "Contacts in Campaign", SF_T_INT, 0, 9, 0, SF_F_DEF, NULL, NULL, NULL, NULL},
    {"NumberOfResponses", "Responses in Campaign", SF_T_INT, 0, 9, 0, SF_F_DEF, NULL, NULL, NULL, NULL},
    {"NumberOfOpportunities", "Opportunities in Campaign", SF_T_INT, 0, 9, 0, SF_F_DEF, NULL, NULL, NULL, NULL},
    {"NumberOfWonOpportunities", "Won Opportunities in Campaign", SF_T_INT, 0, 9, 0, SF_F_DEF, NULL, NULL, NULL, NULL},
    {"AmountAllOpportunities", "Value Opportunities in Campaign", SF_T_CURRENCY, 0, 18, 0, SF_F_DEF, NULL, NULL, NULL, NULL},
    {"AmountWonOpportunities", "Value Won Opportunities in Campaign", SF_T_CURRENCY, 0, 18, 0, SF_F_DEF, NULL, NULL, NULL, NULL},
    {"OwnerId", "Owner ID", SF_T_REFERENCE, 18, 0, 0, SF_F_CRE | SF_F_UPD | SF_F_DEF, "User", "Owner", NULL, NULL},
    {"CreatedDate", "Created Date", SF_T_DATETIME, 0, 0, 0, SF_F_DEF, NULL, NULL, NULL, NULL},
    {"CreatedById", "Created By ID", SF_T_REFERENCE, 18, 0, 0, SF_F_DEF, "User", "CreatedBy", NULL, NULL},
    {"LastModifiedDate", "Last Modified Date", SF_T_DATETIME, 0, 0, 0, SF_F_DEF, NULL, NULL, NULL, NULL},
    {"LastModifiedById", "Last Modified By ID", SF_T_REFERENCE, 18, 0, 0, SF_F_DEF, "User", "LastModifiedBy", NULL, NULL},
    {"SystemModstamp", "System Modstamp", SF_T_DATETIME, 0, 0, 0, SF_F_DEF, NULL, NULL, NULL, NULL},
    {"LastActivityDate", "Last Activity", SF_T_DATE, 0, 0, 0, SF_F_NIL, NULL, NULL, NULL, NULL},
    {"LastViewedDate", "Last Viewed Date", SF_T_DATETIME, 0, 0, 0, SF_F_NIL, NULL, NULL, NULL, NULL},
    {"LastReferencedDate", "Last Referenced Date", SF_T_DATETIME, 0, 0, 0, SF_F_NIL, NULL, NULL, NULL, NULL},
    {"CampaignMemberRecordTypeId", "Record Type ID", SF_T_REFERENCE, 18, 0, 0, SF_F_NIL | SF_F_CRE | SF_F_UPD, "RecordType", "CampaignMemberRecordType", NULL, NULL},
};

static const sf_field campaignmember_fields[] = {
    {"Id", "Campaign Member ID", SF_T_ID, 18, 0, 0, SF_F_DEF | SF_F_LOOKUP, NULL, NULL, NULL, NULL},
    {"IsDeleted", "Deleted", SF_T_BOOLEAN, 0, 0, 0, SF_F_DEF, NULL, NULL, NULL, "false"},
    {"CampaignId", "Campaign ID", SF_T_REFERENCE, 18, 0, 0, SF_F_CRE, "Campaign", "Campaign", NULL, NULL},
    {"LeadId", "Lead ID", SF_T_REFERENCE, 18, 0, 0, SF_F_NIL | SF_F_CRE, "Lead", "Lead", NULL, NULL},
    {"ContactId", "Contact ID", SF_T_REFERENCE, 18, 0, 0, SF_F_NIL | SF_F_CRE, "Contact", "Contact", NULL, NULL},
    {"Status", "Status", SF_T_PICKLIST, 40, 0, 0, SF_F_NIL | SF_F_CRE | SF_F_UPD | SF_F_DEF, NULL, NULL, "Sent\nResponded", "Sent"},
    {"HasResponded", "Responded", SF_T_BOOLEAN, 0, 0, 0, SF_F_DEF, NULL, NULL, NULL, "false"},
    {"CreatedDate", "Created Date", SF_T_DATETIME, 0, 0, 0, SF_F_DEF, NULL, NULL, NULL, NULL},
    {"CreatedById", "Created By ID", SF_T_REFERENCE, 18, 0, 0, SF_F_DEF, "User", "CreatedBy", NULL, NULL},
    {"LastModifiedDate", "Last Modified Date", SF_T_DATETIME, 0, 0, 0, SF_F_DEF, NULL, NULL, NULL, NULL},
    {"LastModifiedById", "Last Modified By ID", SF_T_REFERENCE, 18, 0, 0, SF_F_DEF, "User", "LastModifiedBy", NULL, NULL},
    {"SystemModstamp", "System Modstamp", SF_T_DATETIME, 0, 0, 0, SF_F_DEF, NULL, NULL, NULL, NULL},
    {"FirstRespondedDate", "First Responded Date", SF_T_DATE, 0, 0, 0, SF_F_NIL, NULL, NULL, NULL, NULL},
    {"Salutation", "Salutation", SF_T_PICKLIST, 40, 0, 0, SF_F_NIL, NULL, NULL, "Mr.\nMs.\nMrs.\nDr.\nProf.\nMx.", NULL},
    {"Name", "Name", SF_T_STRING, 121, 0, 0, SF_F_NIL | SF_F_NAME, NULL, NULL, NULL, NULL},
    {"FirstName", "First Name", SF_T_STRING, 40, 0, 0, SF_F_NIL, NULL, NULL, NULL, NULL},
    {"LastName", "Last Name", SF_T_STRING, 80, 0, 0, SF_F_NIL, NULL, NULL, NULL, NULL},
    {"Title", "Title", SF_T_STRING, 128, 0, 0, SF_F_NIL, NULL, NULL, NULL, NULL},
    {"Street", "Street", SF_T_TEXTAREA, 255, 0, 0, SF_F_NIL, NULL, NULL, NULL, NULL},
    {"City", "City", SF_T_STRING, 40, 0, 0, SF_F_NIL, NULL, NULL, NULL, NULL},
    {"State", "State/Province", SF_T_STRING, 80, 0, 0, SF_F_NIL, NULL, NULL, NULL, NULL},
    {"PostalCode", "Zip/Postal Code", SF_T_STRING, 20, 0, 0, SF_F_NIL, NULL, NULL, NULL, NULL},
    {"Country", "Country", SF_T_STRING, 80, 0, 0, SF_F_NIL, NULL, NULL, NULL, NULL},
    {"Email", "Email", SF_T_EMAIL, 80, 0, 0, SF_F_NIL, NULL, NULL, NULL, NULL},
    {"Phone", "Phone", SF_T_PHONE, 40, 0, 0, SF_F_NIL, NULL, NULL, NULL, NULL},
    {"Fax", "Fax", SF_T_PHONE, 40, 0, 0, SF_F_NIL, NULL, NULL, NULL, NULL},
    {"MobilePhone", "Mobile Phone", SF_T_PHONE, 40, 0, 0, SF_F_NIL, NULL, NULL, NULL, NULL},
    {"Description", "Description", SF_T_TEXTAREA, 32000, 0, 0, SF_F_NIL, NULL, NULL, NULL, NULL},
    {"DoNotCall", "Do Not Call", SF_T_BOOLEAN, 0, 0, 0, SF_F_DEF, NULL, NULL, NULL, "false"},
    {"HasOptedOutOfEmail", "Email Opt Out", SF_T_BOOLEAN, 0, 0, 0, SF_F_DEF, NULL, NULL, NULL, "false"},
    {"HasOptedOutOfFax", "Fax Opt Out", SF_T_BOOLEAN, 0, 0, 0, SF_F_DEF, NULL, NULL, NULL, "false"},
    {"LeadSource", "Lead Source", SF_T_PICKLIST, 255, 0, 0, SF_F_NIL, NULL, NULL, "Web\nPhone Inquiry\nPartner Referral\nPurchased List\nOther", NULL},
    {"CompanyOrAccount", "Company (Account)", SF_T_STRING, 255, 0, 0, SF_F_NIL, NULL, NULL, NULL, NULL},
    {"Type", "Type", SF_T_STRING, 40, 0, 0, SF_F_NIL, NULL, NULL, NULL, NULL},
    {"LeadOrContactId", "Contact or Lead ID", SF_T_REFERENCE, 18, 0, 0, SF_F_NIL, "Contact,Lead", NULL, NULL, NULL},
    {"LeadOrContactOwnerId", "Contact or Lead Owner ID", SF_T_REFERENCE, 18, 0, 0, SF_F_NIL, "User", NULL, NULL, NULL},
};

static const sf_field user_fields[] = {
    {"Id", "User ID", SF_T_ID, 18, 0, 0, SF_F_DEF | SF_F_LOOKUP, NULL, NULL, NULL, NULL},
    {"Username", "Username", SF_T_STRING, 80, 0, 0, SF_F_CRE | SF_F_UPD | SF_F_UNIQ | SF_F_LOOKUP, NULL, NULL, NULL, NULL},
    {"LastName", "Last Name", SF_T_STRING, 80, 0, 0, SF_F_CRE | SF_F_UPD, NULL, NULL, NULL, NULL},
    {"FirstName", "First Name", SF_T_STRING, 40, 0, 0, SF_F_NIL | SF_F_CRE | SF_F_UPD, NULL, NULL, NULL, NULL},
    {"Name", "Full Name", SF_T_STRING, 121, 0, 0, SF_F_NAME, NULL, NULL, NULL, NULL},
    {"CompanyName", "Company Name", SF_T_STRING, 80, 0, 0, SF_F_NIL | SF_F_CRE | SF_F_UPD, NULL, NULL, NULL, NULL},
    {"Division", "Division", SF_T_STRING, 80, 0, 0, SF_F_NIL | SF_F_CRE | SF_F_UPD, NULL, NULL, NULL, NULL},
    {"Department", "Department", SF_T_STRING, 80, 0, 0, SF_F_NIL | SF_F_CRE | SF_F_UPD, NULL, NULL, NULL, NULL},
    {"Title", "Title", SF_T_STRING, 80, 0, 0, SF_F_NIL | SF_F_CRE | SF_F_UPD, NULL, NULL, NULL, NULL},
    {"Street", "Street", SF_T_TEXTAREA, 255, 0, 0, SF_F_NIL | SF_F_CRE | SF_F_UPD, NULL, NULL, NULL, NULL},
    {"City", "City", SF_T_STRING, 40, 0, 0, SF_F_NIL | SF_F_CRE | SF_F_UPD, NULL, NULL, NULL, NULL},
    {"State", "State/Province", SF_T_STRING, 80, 0, 0, SF_F_NIL | SF_F_CRE | SF_F_UPD, NULL, NULL, NULL, NULL},
    {"PostalCode", "Zip/Postal Code", SF_T_STRING, 20, 0, 0, SF_F_NIL | SF_F_CRE | SF_F_UPD, NULL, NULL, NULL, NULL},
    {"Country", "Country", SF_T_STRING, 80, 0, 0, SF_F_NIL | SF_F_CRE | SF_F_UPD, NULL, NULL, NULL, NULL},
    {"Email", "Email", SF_T_EMAIL, 128, 0, 0, SF_F_CRE | SF_F_UPD, NULL, NULL, NULL, NULL},
    {"Phone", "Phone", SF_T_PHONE, 40, 0, 0, SF_F_NIL | SF_F_CRE | SF_F_UPD, NULL, NULL, NULL, NULL},
    {"Fax", "Fax", SF_T_PHONE, 40, 0, 0, SF_F_NIL | SF_F_CRE | SF_F_UPD, NULL, NULL, NULL, NULL},
    {"MobilePhone", "Mobile", SF_T_PHONE, 40, 0, 0, SF_F_NIL | SF_F_CRE | SF_F_UPD, NULL, NULL, NULL, NULL},
    {"Alias", "Alias", SF_T_STRING, 8, 0, 0, SF_F_CRE | SF_F_UPD, NULL, NULL, NULL, NULL},
    {"CommunityNickname", "Nickname", SF_T_STRING, 40, 0, 0, SF_F_CRE | SF_F_UPD | SF_F_DEF | SF_F_UNIQ, NULL, NULL, NULL, NULL},
    {"IsActive", "Active", SF_T_BOOLEAN, 0, 0, 0, SF_F_CRE | SF_F_UPD | SF_F_DEF, NULL, NULL, NULL, "true"},
    {"TimeZoneSidKey", "Time Zone", SF_T_PICKLIST, 40, 0, 0, SF_F_CRE | SF_F_UPD | SF_F_DEF | SF_F_RESTR, NULL, NULL, "America/Los_Angeles\tPacific Standard Time (America/Los_Angeles)\nAmerica/New_York\tEastern Standard Time (America/New_York)\nEurope/London\tGreenwich Mean Time (Europe/London)\nEurope/Paris\tCentral European Standard Time (Europe/Paris)\nEurope/Rome\tCentral European Standard Time (Europe/Rome)\nGMT\tGreenwich Mean Time (GMT)", "GMT"},
    {"UserRoleId", "Role ID", SF_T_REFERENCE, 18, 0, 0, SF_F_NIL | SF_F_CRE | SF_F_UPD, "UserRole", "UserRole", NULL, NULL},
    {"LocaleSidKey", "Locale", SF_T_PICKLIST, 40, 0, 0, SF_F_CRE | SF_F_UPD | SF_F_DEF | SF_F_RESTR, NULL, NULL, "en_US\tEnglish (United States)\nen_GB\tEnglish (United Kingdom)\nit_IT\tItalian (Italy)\nfr_FR\tFrench (France)\nde_DE\tGerman (Germany)", "en_US"},
    {"EmailEncodingKey", "Email Encoding", SF_T_PICKLIST, 40, 0, 0, SF_F_CRE | SF_F_UPD | SF_F_DEF | SF_F_RESTR, NULL, NULL, "UTF-8\tUnicode (UTF-8)\nISO-8859-1\tGeneral US & Western Europe (ISO-8859-1, ISO-LATIN-1)", "UTF-8"},
    {"ProfileId", "Profile ID", SF_T_REFERENCE, 18, 0, 0, SF_F_CRE | SF_F_UPD | SF_F_DEF, "Profile", "Profile", NULL, NULL},
    {"UserType", "User Type", SF_T_PICKLIST, 40, 0, 0, SF_F_DEF | SF_F_RESTR, NULL, NULL, "Standard\nPowerPartner\nCspLitePortal\nCustomerSuccess\nPowerCustomerSuccess\nCsnOnly\nGuest", "Standard"},
    {"LanguageLocaleKey", "Language", SF_T_PICKLIST, 40, 0, 0, SF_F_CRE | SF_F_UPD | SF_F_DEF | SF_F_RESTR, NULL, NULL, "en_US\tEnglish\nit\tItalian\nfr\tFrench\nde\tGerman\nes\tSpanish", "en_US"},
    {"EmployeeNumber", "Employee Number", SF_T_STRING, 20, 0, 0, SF_F_NIL | SF_F_CRE | SF_F_UPD, NULL, NULL, NULL, NULL},
    {"ManagerId", "Manager ID", SF_T_REFERENCE, 18, 0, 0, SF_F_NIL | SF_F_CRE | SF_F_UPD, "User", "Manager", NULL, NULL},
    {"LastLoginDate", "Last Login", SF_T_DATETIME, 0, 0, 0, SF_F_NIL, NULL, NULL, NULL, NULL},
    {"CreatedDate", "Created Date", SF_T_DATETIME, 0, 0, 0, SF_F_DEF, NULL, NULL, NULL, NULL},
    {"CreatedById", "Created By ID", SF_T_REFERENCE, 18, 0, 0, SF_F_DEF, "User", "CreatedBy", NULL, NULL},
    {"LastModifiedDate", "Last Modified Date", SF_T_DATETIME, 0, 0, 0, SF_F_DEF, NULL, NULL, NULL, NULL},
    {"LastModifiedById", "Last Modified By ID", SF_T_REFERENCE, 18, 0, 0, SF_F_DEF, "User", "LastModifiedBy", NULL, NULL},
    {"SystemModstamp", "System Modstamp", SF_T_DATETIME, 0, 0, 0, SF_F_DEF, NULL, NULL, NULL, NULL},
    {"FederationIdentifier", "SAML Federation ID", SF_T_STRING, 512, 0, 0, SF_F_NIL | SF_F_CRE | SF_F_UPD | SF_F_LOOKUP, NULL, NULL, NULL, NULL},
    {"AboutMe", "About Me", SF_T_TEXTAREA, 1000, 0, 0, SF_F_NIL | SF_F_CRE | SF_F_UPD, NULL, NULL, NULL, NULL},
};

static const sf_field recordtype_fields[] = {
    {"Id", "Record Type ID", SF_T_ID, 18, 0, 0, SF_F_DEF | SF_F_LOOKUP, NULL, NULL, NULL, NULL},
    {"Name", "Record Type Label", SF_T_STRING, 80, 0, 0, SF_F_NAME, NULL, NULL, NULL, NULL},
    {"DeveloperName", "Record Type Name", SF_T_STRING, 80, 0, 0, 0, NULL, NULL, NULL, NULL},
    {"NamespacePrefix", "Namespace Prefix", SF_T_STRING, 15, 0, 0, SF_F_NIL, NULL, NULL, NULL, NULL},
    {"Description", "Description", SF_T_STRING, 255, 0, 0, SF_F_NIL, NULL, NULL, NULL, NULL},
    {"BusinessProcessId", "Business Process ID", SF_T_REFERENCE, 18, 0, 0, SF_F_NIL, "BusinessProcess", NULL, NULL, NULL},
    {"SobjectType", "SObject Type Name", SF_T_PICKLIST, 40, 0, 0, SF_F_RESTR, NULL, NULL, "Account\nCampaign\nCampaignMember\nContact\nLead", NULL},
    {"IsActive", "Active", SF_T_BOOLEAN, 0, 0, 0, SF_F_DEF, NULL, NULL, NULL, "false"},
    {"IsPersonType", "Is Person Type", SF_T_BOOLEAN, 0, 0, 0, SF_F_DEF, NULL, NULL, NULL, "false"},
    {"CreatedDate", "Created Date", SF_T_DATETIME, 0, 0, 0, SF_F_DEF, NULL, NULL, NULL, NULL},
    {"CreatedById", "Created By ID", SF_T_REFERENCE, 18, 0, 0, SF_F_DEF, "User", "CreatedBy", NULL, NULL},
    {"LastModifiedDate", "Last Modified Date", SF_T_DATETIME, 0, 0, 0, SF_F_DEF, NULL, NULL, NULL, NULL},
    {"LastModifiedById", "Last Modified By ID", SF_T_REFERENCE, 18, 0, 0, SF_F_DEF, "User", "LastModifiedBy", NULL, NULL},
    {"SystemModstamp", "System Modstamp", SF_T_DATETIME, 0, 0, 0, SF_F_DEF, NULL, NULL, NULL, NULL},
};

/* clang-format on */

const sf_field *sf_builtin_campaign_fields(size_t *n)
{
    *n = sizeof campaign_fields / sizeof campaign_fields[0];
    return campaign_fields;
}

const sf_field *sf_builtin_campaignmember_fields(size_t *n)
{
    *n = sizeof campaignmember_fields / sizeof campaignmember_fields[0];
    return campaignmember_fields;
}

const sf_field *sf_builtin_user_fields(size_t *n)
{
    *n = sizeof user_fields / sizeof user_fields[0];
    return user_fields;
}

const sf_field *sf_builtin_recordtype_fields(size_t *n)
{
    *n = sizeof recordtype_fields / sizeof recordtype_fields[0];
    return recordtype_fields;
}
