// The donation platform in one resource group: four Functions apps (one module, used four times) on
// one Elastic Premium plan, identity-based host storage, Log Analytics + Application Insights, and a
// Key Vault holding the connection strings and Supabase settings that the apps reference.
// `azd up` provisions it (infra/main.parameters.json) and deploys the apps (azure.yaml).
targetScope = 'resourceGroup'

@minLength(1)
@maxLength(64)
@description('azd environment name; part of every resource name (through the resource token) and the azd-env-name tag.')
param environmentName string

@minLength(1)
@description('Azure region of every resource.')
param location string = resourceGroup().location

@allowed(['EP1', 'EP2', 'EP3'])
@description('Elastic Premium size. The consumers and the outbox relay are long-running hosted services, so the plan must be always on: Consumption and Flex Consumption do not work.')
param planSku string = 'EP1'

@minValue(1)
@maxValue(20)
@description('Instances the plan may scale out to (the apps always keep at least one warm).')
param maximumElasticWorkerCount int = 5

@description('Browser origins allowed to call the function URLs, comma-separated (e.g. https://app.example.org,https://admin.example.org); empty allows none. The same list as CORS_ALLOWED_ORIGINS and Host.CORS locally.')
param corsAllowedOrigins string = ''

@description('Supabase project URL, e.g. https://<ref>.supabase.co (kept in Key Vault with the other Supabase settings).')
param supabaseUrl string

@secure()
@description('Supabase legacy HS256 JWT secret; empty to accept only asymmetric (JWKS) tokens.')
param supabaseJwtSecret string

@secure()
@description('Npgsql connection string of donation-service (main database, schema donation); use the transaction pooler (port 6543).')
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
@description('RabbitMQ URI shared by the four services, e.g. amqps://user:password@host/vhost.')
param rabbitMqConnection string

@description('true: each app runs from app-packages/<service>.zip in the storage account, fetched with the managed identity (no Azure Files, upload the packages yourself); false: azd zip-deploys the apps.')
param runFromBlobPackage bool = false

var abbrs = loadJsonContent('abbreviations.json')
var resourceToken = toLower(uniqueString(subscription().id, resourceGroup().id, environmentName, location))
var tags = { 'azd-env-name': environmentName }
var allowedOrigins = empty(corsAllowedOrigins) ? [] : map(split(corsAllowedOrigins, ','), origin => trim(origin))

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: '${abbrs.managedIdentity}${resourceToken}'
  location: location
  tags: tags
}

module monitoring 'modules/monitoring.bicep' = {
  name: 'monitoring'
  params: {
    location: location
    tags: tags
    logAnalyticsName: '${abbrs.logAnalyticsWorkspace}${resourceToken}'
    appInsightsName: '${abbrs.insightsComponents}${resourceToken}'
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  params: {
    location: location
    tags: tags
    name: '${abbrs.storageAccount}${resourceToken}'
    createPackageContainer: runFromBlobPackage
  }
}

module vault 'modules/keyvault.bicep' = {
  name: 'keyvault'
  params: {
    location: location
    tags: tags
    name: '${abbrs.keyVault}${resourceToken}'
    supabaseUrl: supabaseUrl
    supabaseJwtSecret: supabaseJwtSecret
    storeSupabaseJwtSecret: !empty(supabaseJwtSecret)
    donationDbConnection: donationDbConnection
    requestDbConnection: requestDbConnection
    campaignDbConnection: campaignDbConnection
    messagingDbConnection: messagingDbConnection
    rabbitMqConnection: rabbitMqConnection
  }
}

// Least privilege for the apps' one identity: host storage data roles on the storage account only,
// reading secrets of this vault only, publishing telemetry to this Application Insights only.
module roles 'modules/role-assignments.bicep' = {
  name: 'role-assignments'
  params: {
    principalId: identity.properties.principalId
    storageAccountName: storage.outputs.name
    keyVaultName: vault.outputs.name
    appInsightsName: monitoring.outputs.appInsightsName
  }
}

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: '${abbrs.appServicePlan}${resourceToken}'
  location: location
  tags: tags
  kind: 'elastic'
  sku: {
    name: planSku
    tier: 'ElasticPremium'
  }
  properties: {
    reserved: true // Linux
    maximumElasticWorkerCount: maximumElasticWorkerCount
  }
}

// What every app gets besides its own database connection; values are Key Vault references.
var commonSettings = {
  RabbitMQConnection: vault.outputs.references.rabbitMqConnection
  SUPABASE_URL: vault.outputs.references.supabaseUrl
  SUPABASE_JWT_SECRET: vault.outputs.references.supabaseJwtSecret
  CORS_ALLOWED_ORIGINS: join(allowedOrigins, ',')
}

var shared = {
  location: location
  tags: tags
  planId: plan.id
  identityId: identity.id
  identityClientId: identity.properties.clientId
  storageAccountName: storage.outputs.name
  appInsightsName: monitoring.outputs.appInsightsName
  allowedOrigins: allowedOrigins
  packageContainerUrl: storage.outputs.packageContainerUrl
}

module donationService 'modules/function-app.bicep' = {
  name: 'donation-service'
  params: {
    name: '${abbrs.functionApp}donation-${resourceToken}'
    serviceName: 'donation-service'
    packageName: 'DonationService'
    shared: shared
    appSettings: union(commonSettings, {
      DonationDbConnection: vault.outputs.references.donationDbConnection
    })
  }
  dependsOn: [roles]
}

module requestService 'modules/function-app.bicep' = {
  name: 'request-service'
  params: {
    name: '${abbrs.functionApp}request-${resourceToken}'
    serviceName: 'request-service'
    packageName: 'RequestService'
    shared: shared
    appSettings: union(commonSettings, {
      RequestDbConnection: vault.outputs.references.requestDbConnection
      DonationServiceUrl: donationService.outputs.uri
    })
  }
  dependsOn: [roles]
}

module campaignService 'modules/function-app.bicep' = {
  name: 'campaign-service'
  params: {
    name: '${abbrs.functionApp}campaign-${resourceToken}'
    serviceName: 'campaign-service'
    packageName: 'CampaignService'
    shared: shared
    appSettings: union(commonSettings, {
      CampaignDbConnection: vault.outputs.references.campaignDbConnection
    })
  }
  dependsOn: [roles]
}

module messagingService 'modules/function-app.bicep' = {
  name: 'messaging-service'
  params: {
    name: '${abbrs.functionApp}messaging-${resourceToken}'
    serviceName: 'messaging-service'
    packageName: 'MessagingService'
    shared: shared
    appSettings: union(commonSettings, {
      MessagingDbConnection: vault.outputs.references.messagingDbConnection
    })
  }
  dependsOn: [roles]
}

// Outputs azd stores in the environment (.azure/<env>/.env). The Application Insights connection
// string is deliberately not among them: the apps get it as an app setting.
output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenant().tenantId
output AZURE_RESOURCE_GROUP string = resourceGroup().name
output AZURE_KEY_VAULT_NAME string = vault.outputs.name
output AZURE_KEY_VAULT_ENDPOINT string = vault.outputs.endpoint
output AZURE_STORAGE_ACCOUNT_NAME string = storage.outputs.name
output AZURE_MANAGED_IDENTITY_CLIENT_ID string = identity.properties.clientId
output APPLICATIONINSIGHTS_NAME string = monitoring.outputs.appInsightsName
output SERVICE_DONATION_SERVICE_NAME string = donationService.outputs.name
output SERVICE_DONATION_SERVICE_URI string = donationService.outputs.uri
output SERVICE_REQUEST_SERVICE_NAME string = requestService.outputs.name
output SERVICE_REQUEST_SERVICE_URI string = requestService.outputs.uri
output SERVICE_CAMPAIGN_SERVICE_NAME string = campaignService.outputs.name
output SERVICE_CAMPAIGN_SERVICE_URI string = campaignService.outputs.uri
output SERVICE_MESSAGING_SERVICE_NAME string = messagingService.outputs.name
output SERVICE_MESSAGING_SERVICE_URI string = messagingService.outputs.uri
