/* Built-in schema of the Salesforce Lead object (generated once from real describe
 * metadata, then kept here as the sandbox's own table; see sf_schema.h for the
 * columns). One line per field, in the order the real describe lists them. */
#include "sandbox/sf_schema.h"

/* clang-format off */
static const sf_field lead_fields[] = {
    {"Id", "Lead ID", SF_T_ID, 18, 0, 0, SF_F_DEF | SF_F_LOOKUP, NULL, NULL, NULL, NULL},
    {"IsDeleted", "Deleted", SF_T_BOOLEAN, 0, 0, 0, SF_F_DEF, NULL, NULL, NULL, "false"},
    {"MasterRecordId", "Master Record ID", SF_T_REFERENCE, 18, 0, 0, SF_F_NIL, "Lead", "MasterRecord", NULL, NULL},
    {"RecordTypeId", "Record Type ID", SF_T_REFERENCE, 18, 0, 0, SF_F_NIL | SF_F_CRE | SF_F_UPD | SF_F_NOPERM, "RecordType", "RecordType", NULL, NULL},
    {"LastName", "Last Name", SF_T_STRING, 80, 0, 0, SF_F_CRE | SF_F_UPD, NULL, NULL, NULL, NULL},
    {"FirstName", "First Name", SF_T_STRING, 40, 0, 0, SF_F_NIL | SF_F_CRE | SF_F_UPD, NULL, NULL, NULL, NULL},
    {"Salutation", "Salutation", SF_T_PICKLIST, 40, 0, 0, SF_F_NIL | SF_F_CRE | SF_F_UPD, NULL, NULL, "Mr.\nMs.\nMrs.\nDr.\nProf.\nMx.", NULL},
    {"Name", "Full Name", SF_T_STRING, 121, 0, 0, SF_F_NAME, NULL, NULL, NULL, NULL},
    {"Title", "Title", SF_T_STRING, 128, 0, 0, SF_F_NIL | SF_F_CRE | SF_F_UPD, NULL, NULL, NULL, NULL},
    {"Company", "Company", SF_T_STRING, 255, 0, 0, SF_F_CRE | SF_F_UPD, NULL, NULL, NULL, NULL},
    {"Street", "Street", SF_T_TEXTAREA, 255, 0, 0, SF_F_NIL | SF_F_CRE | SF_F_UPD, NULL, NULL, NULL, NULL},
    {"City", "City", SF_T_STRING, 40, 0, 0, SF_F_NIL | SF_F_CRE | SF_F_UPD, NULL, NULL, NULL, NULL},
    {"State", "State/Province", SF_T_STRING, 80, 0, 0, SF_F_NIL | SF_F_CRE | SF_F_UPD, NULL, NULL, NULL, NULL},
    {"PostalCode", "Zip/Postal Code", SF_T_STRING, 20, 0, 0, SF_F_NIL | SF_F_CRE | SF_F_UPD, NULL, NULL, NULL, NULL},
    {"Country", "Country", SF_T_STRING, 80, 0, 0, SF_F_NIL | SF_F_CRE | SF_F_UPD, NULL, NULL, NULL, NULL},
    {"Latitude", "Latitude", SF_T_DOUBLE, 0, 18, 15, SF_F_NIL | SF_F_CRE | SF_F_UPD, NULL, NULL, NULL, NULL},
    {"Longitude", "Longitude", SF_T_DOUBLE, 0, 18, 15, SF_F_NIL | SF_F_CRE | SF_F_UPD, NULL, NULL, NULL, NULL},
    {"GeocodeAccuracy", "Geocode Accuracy", SF_T_PICKLIST, 40, 0, 0, SF_F_NIL | SF_F_CRE | SF_F_UPD | SF_F_RESTR, NULL, NULL, "Address\nNearAddress\nBlock\nStreet\nExtendedZip\nZip\nNeighborhood\nCity\nCounty\nState\nUnknown", NULL},
    {"Address", "Address", SF_T_ADDRESS, 0, 0, 0, SF_F_NIL, NULL, NULL, NULL, NULL},
    {"Phone", "Phone", SF_T_PHONE, 40, 0, 0, SF_F_NIL | SF_F_CRE | SF_F_UPD, NULL, NULL, NULL, NULL},
    {"MobilePhone", "Mobile Phone", SF_T_PHONE, 40, 0, 0, SF_F_NIL | SF_F_CRE | SF_F_UPD, NULL, NULL, NULL, NULL},
    {"Fax", "Fax", SF_T_PHONE, 40, 0, 0, SF_F_NIL | SF_F_CRE | SF_F_UPD, NULL, NULL, NULL, NULL},
    {"Email", "Email", SF_T_EMAIL, 80, 0, 0, SF_F_NIL | SF_F_CRE | SF_F_UPD | SF_F_LOOKUP, NULL, NULL, NULL, NULL},
    {"HasOptedOutOfEmail", "Email Opt Out", SF_T_BOOLEAN, 0, 0, 0, SF_F_CRE | SF_F_UPD | SF_F_DEF, NULL, NULL, NULL, "false"},
    {"HasOptedOutOfFax", "Fax Opt Out", SF_T_BOOLEAN, 0, 0, 0, SF_F_CRE | SF_F_UPD | SF_F_DEF, NULL, NULL, NULL, "false"},
    {"DoNotCall", "Do Not Call", SF_T_BOOLEAN, 0, 0, 0, SF_F_CRE | SF_F_UPD | SF_F_DEF, NULL, NULL, NULL, "false"},
    {"Website", "Website", SF_T_URL, 255, 0, 0, SF_F_NIL | SF_F_CRE | SF_F_UPD, NULL, NULL, NULL, NULL},
    {"PhotoUrl", "Photo URL", SF_T_URL, 255, 0, 0, SF_F_NIL | SF_F_IMAGE, NULL, NULL, NULL, NULL},
    {"Description", "Description", SF_T_TEXTAREA, 32000, 0, 0, SF_F_NIL | SF_F_CRE | SF_F_UPD, NULL, NULL, NULL, NULL},
    {"LeadSource", "Lead Source", SF_T_PICKLIST, 255, 0, 0, SF_F_NIL | SF_F_CRE | SF_F_UPD, NULL, NULL, "Web\nPhone Inquiry\nPartner Referral\nPurchased List\nOther", NULL},
    {"Status", "Status", SF_T_PICKLIST, 255, 0, 0, SF_F_CRE | SF_F_UPD | SF_F_DEF, NULL, NULL, "Open - Not Contacted\nWorking - Contacted\nClosed - Converted\nClosed - Not Converted", "Open - Not Contacted"},
    {"Industry", "Industry", SF_T_PICKLIST, 255, 0, 0, SF_F_NIL | SF_F_CRE | SF_F_UPD, NULL, NULL, "Agriculture\nApparel\nBanking\nBiotechnology\nChemicals\nCommunications\nConstruction\nConsulting\nEducation\nElectronics\nEnergy\nEngineering\nEntertainment\nEnvironmental\nFinance\nFood & Beverage\nGovernment\nHealthcare\nHospitality\nInsurance\nMachinery\nManufacturing\nMedia\nNot For Profit\nRecreation\nRetail\nShipping\nTechnology\nTelecommunications\nTransportation\nUtilities\nOther", NULL},
    {"Rating", "Rating", SF_T_PICKLIST, 255, 0, 0, SF_F_NIL | SF_F_CRE | SF_F_UPD, NULL, NULL, "Hot\nWarm\nCold", NULL},
    {"AnnualRevenue", "Annual Revenue", SF_T_CURRENCY, 0, 18, 0, SF_F_NIL | SF_F_CRE | SF_F_UPD, NULL, NULL, NULL, NULL},
    {"NumberOfEmployees", "Employees", SF_T_INT, 0, 8, 0, SF_F_NIL | SF_F_CRE | SF_F_UPD, NULL, NULL, NULL, NULL},
    {"OwnerId", "Owner ID", SF_T_REFERENCE, 18, 0, 0, SF_F_CRE | SF_F_UPD | SF_F_DEF, "Group,User", "Owner", NULL, NULL},
    {"IsConverted", "Converted", SF_T_BOOLEAN, 0, 0, 0, SF_F_CRE | SF_F_DEF, NULL, NULL, NULL, "false"},
    {"ConvertedDate", "Converted Date", SF_T_DATE, 0, 0, 0, SF_F_NIL, NULL, NULL, NULL, NULL},
    {"ConvertedAccountId", "Converted Account ID", SF_T_REFERENCE, 18, 0, 0, SF_F_NIL | SF_F_PREFILTER, "Account", "ConvertedAccount", NULL, NULL},
    {"ConvertedContactId", "Converted Contact ID", SF_T_REFERENCE, 18, 0, 0, SF_F_NIL | SF_F_PREFILTER, "Contact", "ConvertedContact", NULL, NULL},
    {"ConvertedOpportunityId", "Converted Opportunity ID", SF_T_REFERENCE, 18, 0, 0, SF_F_NIL | SF_F_PREFILTER, "Opportunity", "ConvertedOpportunity", NULL, NULL},
    {"IsUnreadByOwner", "Unread By Owner", SF_T_BOOLEAN, 0, 0, 0, SF_F_CRE | SF_F_UPD | SF_F_DEF, NULL, NULL, NULL, "false"},
    {"CreatedDate", "Created Date", SF_T_DATETIME, 0, 0, 0, SF_F_DEF, NULL, NULL, NULL, NULL},
    {"CreatedById", "Created By ID", SF_T_REFERENCE, 18, 0, 0, SF_F_DEF, "User", "CreatedBy", NULL, NULL},
    {"LastModifiedDate", "Last Modified Date", SF_T_DATETIME, 0, 0, 0, SF_F_DEF, NULL, NULL, NULL, NULL},
    {"LastModifiedById", "Last Modified By ID", SF_T_REFERENCE, 18, 0, 0, SF_F_DEF, "User", "LastModifiedBy", NULL, NULL},
    {"SystemModstamp", "System Modstamp", SF_T_DATETIME, 0, 0, 0, SF_F_DEF, NULL, NULL, NULL, NULL},
    {"LastActivityDate", "Last Activity", SF_T_DATE, 0, 0, 0, SF_F_NIL, NULL, NULL, NULL, NULL},
    {"LastViewedDate", "Last Viewed Date", SF_T_DATETIME, 0, 0, 0, SF_F_NIL, NULL, NULL, NULL, NULL},
    {"LastReferencedDate", "Last Referenced Date", SF_T_DATETIME, 0, 0, 0, SF_F_NIL, NULL, NULL, NULL, NULL},
    {"Jigsaw", "Data.com Key", SF_T_STRING, 20, 0, 0, SF_F_NIL | SF_F_CRE | SF_F_UPD, NULL, NULL, NULL, NULL},
    {"JigsawContactId", "Jigsaw Contact ID", SF_T_STRING, 20, 0, 0, SF_F_NIL, NULL, "JigsawContact", NULL, NULL},
    {"CleanStatus", "Clean Status", SF_T_PICKLIST, 40, 0, 0, SF_F_NIL | SF_F_CRE | SF_F_UPD | SF_F_RESTR, NULL, NULL, "Matched\tIn Sync\nDifferent\nAcknowledged\tReviewed\nNotFound\tNot Found\nInactive\nPending\tNot Compared\nSelectMatch\tSelect Match\nSkipped", NULL},
    {"CompanyDunsNumber", "Company D-U-N-S Number", SF_T_STRING, 9, 0, 0, SF_F_NIL | SF_F_CRE | SF_F_UPD, NULL, NULL, NULL, NULL},
    {"DandbCompanyId", "D&B Company ID", SF_T_REFERENCE, 18, 0, 0, SF_F_NIL | SF_F_CRE | SF_F_UPD | SF_F_PREFILTER, "DandBCompany", "DandbCompany", NULL, NULL},
    {"EmailBouncedReason", "Email Bounced Reason", SF_T_STRING, 255, 0, 0, SF_F_NIL | SF_F_UPD | SF_F_NOPERM, NULL, NULL, NULL, NULL},
    {"EmailBouncedDate", "Email Bounced Date", SF_T_DATETIME, 0, 0, 0, SF_F_NIL | SF_F_UPD | SF_F_NOPERM, NULL, NULL, NULL, NULL},
    {"IndividualId", "Individual ID", SF_T_REFERENCE, 18, 0, 0, SF_F_NIL | SF_F_CRE | SF_F_UPD | SF_F_NOPERM | SF_F_PREFILTER, "Individual", "Individual", NULL, NULL},
};

/* clang-format on */

const sf_field *sf_builtin_lead_fields(size_t *n)
{
    *n = sizeof lead_fields / sizeof lead_fields[0];
    return lead_fields;
}
