// The donation platform, deployed at subscription scope like the azd quickstarts: this file creates
// the resource group and hands everything else to resources.bicep (four Functions apps on one
// Elastic Premium plan, each running from a package blob fetched with the managed identity;
// identity-based host storage; Key Vault; Log Analytics + Application Insights without local auth).
// `azd up` provisions it (infra/main.parameters.json), then the postprovision hook migrates every
// service and uploads the packages (azure.yaml, scripts/azd-postprovision.sh).
targetScope = 'subscription'

@minLength(1)
@maxLength(64)
@description('azd environment name; part of every resource name (through the resource token) and the azd-env-name tag.')
param environmentName string

@minLength(1)
@description('Azure region of the resource group and every resource.')
@metadata({ azd: { type: 'location' } })
param location string

@description('Resource group to create; empty: rg-<environmentName>.')
param resourceGroupName string = ''

@allowed(['EP1', 'EP2', 'EP3'])
@description('Elastic Premium size. The consumers and the outbox relay are long-running hosted services, so the plan must keep instances allocated: Consumption does not work, and Flex Consumption documents no work outside executions (docs/DEPLOYMENT.md).')
param planSku string = 'EP1'

// The three counts below are strings because azd substitutes environment variables into
// main.parameters.json as text; int() converts them, resources.bicep checks the ranges.
@description('Always-ready instances of each app (minimumElasticInstanceCount, 1-20): each runs the app\'s consumer and relay.')
param alwaysReadyInstances string = '1'

@description('Instances the plan may scale out to (1-20).')
param maximumElasticWorkerCount string = '5'

@description('Browser origins allowed to call the function URLs, comma-separated (e.g. https://app.example.org,https://admin.example.org); empty allows none. The same list as CORS_ALLOWED_ORIGINS and Host.CORS locally.')
param corsAllowedOrigins string = ''

@description('Supabase project URL, e.g. https://<ref>.supabase.co (kept in Key Vault with the other Supabase settings).')
param supabaseUrl string

@secure()
@description('Supabase legacy HS256 JWT secret; empty (the default, no prompt) to accept only asymmetric (JWKS) tokens.')
param supabaseJwtSecret string = ''

@description('PEM of the CA that signed the database servers\' certificates (Supabase: Project Settings → Database → SSL Configuration → Download certificate); the apps connect with SSL Mode=VerifyFull against it. Empty trusts the system\'s CAs.')
param databaseRootCertificate string = ''

@secure()
@description('Npgsql connection string of donation-service (main database, schema donation); use the transaction pooler (port 6543) with SSL Mode=VerifyFull.')
param donationDbConnection string

@secure()
@description('Npgsql connection string of request-service (main database, schema request).')
param requestDbConnection string

@secure()
@description('Npgsql connection string of campaign-service (campaign database, schema campaign).')
param campaignDbConnection string

@secure()
@description('Npgsql connection string of messaging-service (main database, schema messaging).')
param messagingDbConnection string

@secure()
@description('Stripe secret API key (sk_live_… or sk_test_…) of campaign-service\'s payments; kept in Key Vault. Empty (with the webhook secret): contributions answer 503 until both are set.')
param stripeSecretKey string = ''

@secure()
@description('Signing secret (whsec_…) of the Stripe webhook endpoint https://<campaign app>/api/payments/stripe/webhook; kept in Key Vault.')
param stripeWebhookSecret string = ''

@description('Where Stripe Checkout sends a contributor after paying / after giving up; {CONTRIBUTION_ID} is replaced.')
param checkoutSuccessUrl string = 'http://localhost:3000/contributions/{CONTRIBUTION_ID}?paid=1'
param checkoutCancelUrl string = 'http://localhost:3000/contributions/{CONTRIBUTION_ID}?cancelled=1'

@description('PostgreSQL text search configuration of donation and campaign search (simple, english, …); the postprovision migration re-indexes the rows when it changes (docs/DESIGN-NOTES.md, "Search").')
param searchTextConfiguration string = 'simple'

// One broker user per service (docs/DEPLOYMENT.md, "Per-service broker users"): its permissions let it
// publish only its own event types and read only its own queues; each URI is its app's own secret.
@secure()
@description('donation-service\'s RabbitMQ URI (its own user), e.g. amqps://donation-service:password@host/vhost.')
param rabbitMqDonationConnection string

@secure()
@description('request-service\'s RabbitMQ URI (its own user).')
param rabbitMqRequestConnection string

@secure()
@description('campaign-service\'s RabbitMQ URI (its own user).')
param rabbitMqCampaignConnection string

@secure()
@description('messaging-service\'s RabbitMQ URI (its own user).')
param rabbitMqMessagingConnection string

@description('Object id of the principal running azd (azd fills AZURE_PRINCIPAL_ID): gets blob upload and Key Vault secrets roles; empty: no roles.')
param principalId string = ''

@allowed(['User', 'ServicePrincipal', 'Group'])
@description('Kind of principalId (azd fills AZURE_PRINCIPAL_TYPE; a CI service principal is ServicePrincipal).')
param principalType string = 'User'

@description('Part of the Key Vault name; the preprovision hook sets it once per environment and the postdown hook replaces it, so `azd down` then `azd up` never meets its own purge-protected, soft-deleted vault.')
param keyVaultSeed string = ''

@description('Days Log Analytics keeps the apps\', Key Vault\'s and storage\'s logs (30-730).')
param logRetentionInDays string = '30'

var tags = { 'azd-env-name': environmentName }

resource rg 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: empty(resourceGroupName) ? 'rg-${environmentName}' : resourceGroupName
  location: location
  tags: tags
}

module resources 'resources.bicep' = {
  name: 'resources'
  scope: rg
  params: {
    environmentName: environmentName
    location: location
    tags: tags
    planSku: planSku
    alwaysReadyInstances: int(alwaysReadyInstances)
    maximumElasticWorkerCount: int(maximumElasticWorkerCount)
    corsAllowedOrigins: corsAllowedOrigins
    supabaseUrl: supabaseUrl
    supabaseJwtSecret: supabaseJwtSecret
    databaseRootCertificate: databaseRootCertificate
    donationDbConnection: donationDbConnection
    requestDbConnection: requestDbConnection
    campaignDbConnection: campaignDbConnection
    messagingDbConnection: messagingDbConnection
    stripeSecretKey: stripeSecretKey
    stripeWebhookSecret: stripeWebhookSecret
    checkoutSuccessUrl: checkoutSuccessUrl
    checkoutCancelUrl: checkoutCancelUrl
    searchTextConfiguration: searchTextConfiguration
    rabbitMqDonationConnection: rabbitMqDonationConnection
    rabbitMqRequestConnection: rabbitMqRequestConnection
    rabbitMqCampaignConnection: rabbitMqCampaignConnection
    rabbitMqMessagingConnection: rabbitMqMessagingConnection
    principalId: principalId
    principalType: principalType
    keyVaultSeed: keyVaultSeed
    logRetentionInDays: int(logRetentionInDays)
  }
}

// Outputs azd stores in the environment (.azure/<env>/.env), read by the hooks. Nothing secret:
// the Application Insights connection string reaches the apps as an app setting only.
output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = rg.name
output AZURE_KEY_VAULT_NAME string = resources.outputs.keyVaultName
output AZURE_KEY_VAULT_ENDPOINT string = resources.outputs.keyVaultEndpoint
output AZURE_STORAGE_ACCOUNT_NAME string = resources.outputs.storageAccountName
output AZURE_STORAGE_PACKAGE_CONTAINER string = resources.outputs.packageContainerName
output AZURE_MANAGED_IDENTITY_CLIENT_IDS array = resources.outputs.identityClientIds
output APPLICATIONINSIGHTS_NAME string = resources.outputs.appInsightsName
output SERVICE_DONATION_SERVICE_NAME string = resources.outputs.apps[0].name
output SERVICE_DONATION_SERVICE_URI string = resources.outputs.apps[0].uri
output SERVICE_REQUEST_SERVICE_NAME string = resources.outputs.apps[1].name
output SERVICE_REQUEST_SERVICE_URI string = resources.outputs.apps[1].uri
output SERVICE_CAMPAIGN_SERVICE_NAME string = resources.outputs.apps[2].name
output SERVICE_CAMPAIGN_SERVICE_URI string = resources.outputs.apps[2].uri
output SERVICE_MESSAGING_SERVICE_NAME string = resources.outputs.apps[3].name
output SERVICE_MESSAGING_SERVICE_URI string = resources.outputs.apps[3].uri
